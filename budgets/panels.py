"""The place on the budget page where the apps above budgets add their own panels.

Budgets cannot import short breaks (it sits above), so short breaks registers a template here
from its `ready()`, as it does for the case page (casework.panels). Each is rendered with
`budget` and `user`.
"""

BUDGET_PANELS: list[str] = []
