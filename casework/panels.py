"""Places on casework pages where the apps above casework add their own panels.

Casework cannot import budgets or short breaks (they sit above it), so they register templates
here from their `ready()`. The case page renders each with `case`, `child` and `user`; the family
page with `child` and `user`. Each panel's template loads what it needs from its own app.
"""

CASE_PANELS: list[str] = []
FAMILY_PANELS: list[str] = []
# (label, URL name) links on the team manager's dashboard.
TEAM_LINKS: list[tuple[str, str]] = []
