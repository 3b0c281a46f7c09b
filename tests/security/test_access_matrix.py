"""The access rules of DESIGN §9, route by route: every page and API endpoint of the URL conf ×
every role × own or somebody else's (team, family, provider) × read and write.

The routes are read from the URL conf (`routes.py`), so a route added without a rule here fails
`test_every_route_has_a_rule`. Each route is asked by each actor about team A's records (see
`world.py`); writes are rolled back so every actor finds the same world. "ok" means let in: any
answer past the access check (200, 201, 302 onwards, or 400/409 for what the body or state got
wrong). A record that is not the actor's answers exactly as a missing one does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from tests.security.matrix import ask, client_for, outcome, params_for, respond, url_of
from tests.security.routes import WRITE_METHODS, Route, product_routes
from tests.security.world import ACTORS, TODAY, World, build

TEAM = ("practitioner", "manager")
OTHER_TEAM = ("other_practitioner", "other_manager")
STAFF = TEAM + OTHER_TEAM
MANAGERS = ("manager", "other_manager")
FAMILY = ("family",)
FAMILIES = ("family", "other_family")
PROVIDERS = ("provider", "other_provider")
# In the child's team with consent; in another child's team; in the team, consent withdrawn.
PROFESSIONAL = ("professional",)
PROFESSIONALS = ("professional", "other_professional", "withdrawn_professional")
READERS = (*STAFF, "commissioner")  # of the implementation plan and the reports
SIGNED_IN = tuple(actor for actor in ACTORS if actor != "anonymous")

Expect = dict[str, str]


def let(
    *groups: Iterable[str], hidden: Iterable[str] = (), refused: str = "403", anonymous="auth"
) -> Expect:
    """`groups` are let in; `hidden` are told 404 (not theirs); the rest `refused`."""
    allowed = {actor for group in groups for actor in group}
    expect = dict.fromkeys(ACTORS, refused)
    expect |= dict.fromkeys(hidden, "404") | dict.fromkeys(allowed, "ok")
    return expect | {"anonymous": anonymous if "anonymous" not in allowed else "ok"}


def everyone(word: str) -> Expect:
    return dict.fromkeys(ACTORS, word)


def not_theirs(*groups: Iterable[str], refused: Iterable[str] = ()) -> Expect:
    """An API record: `groups` see it; `refused` may see it but not do this (403); to everyone
    else signed in it does not exist (404)."""
    allowed = {actor for group in groups for actor in group}
    expect = let(*groups, refused="404")
    return expect | {actor: "403" for actor in refused if actor not in allowed}


PUBLIC = let(ACTORS)
SIGNED_IN_ONLY = let(SIGNED_IN)
TEAM_PAGE = let(TEAM, hidden=OTHER_TEAM)  # a team's record on a page: other roles are 403
STAFF_WRITE = let(STAFF)  # creating: the body says which child, so no "other" yet
TEAM_WRITE = let(TEAM, hidden=OTHER_TEAM)  # changing a team's record through the API
MANAGER_WRITE = let(("manager",), hidden=("other_manager",))  # a manager's decision
VERSIONS_PAGE = let(
    TEAM,
    FAMILY,
    PROFESSIONAL,
    hidden=(*OTHER_TEAM, "other_family", "other_professional", "withdrawn_professional"),
)
NO_PUT = let(SIGNED_IN, refused="405") | everyone("405") | {"anonymous": "auth"}
# "in": past the sign-in, whatever the page then says (the admin refuses some actions itself).
ADMIN_ONLY = everyone("auth") | {"admin": "in"}


@dataclass(frozen=True)
class Rule:
    read: Expect | None = None
    write: Expect | None = None
    put: Expect | None = None  # where PUT differs from the other writes

    def expect(self, method: str) -> Expect | None:
        if method == "get":
            return self.read
        if method == "put" and self.put is not None:
            return self.put
        return self.write


RULES: dict[str, Rule] = {
    # Signing in and out, and the pages everyone has
    "accounts:home": Rule(read=SIGNED_IN_ONLY),
    "accounts:sign-in": Rule(read=PUBLIC, write=PUBLIC),
    "accounts:sign-out": Rule(read=everyone("405"), write=everyone("auth")),  # back to sign-in
    "accounts:no-role": Rule(read=SIGNED_IN_ONLY),
    "accounts:account": Rule(read=SIGNED_IN_ONLY),
    "accounts:password-change": Rule(read=SIGNED_IN_ONLY, write=SIGNED_IN_ONLY),
    "accounts:password-reset": Rule(read=PUBLIC, write=PUBLIC),  # same answer for any address
    "accounts:password-reset-sent": Rule(read=PUBLIC),
    "accounts:password-reset-confirm": Rule(read=PUBLIC, write=PUBLIC),  # the link is the key
    "accounts:password-reset-complete": Rule(read=PUBLIC),
    "accounts:invitation": Rule(read=PUBLIC, write=PUBLIC),  # the link is the key
    # Two-step verification: staff, professionals and administrators only
    "accounts:second-factor": Rule(
        read=let(STAFF, PROFESSIONALS, ("admin",)), write=let(STAFF, PROFESSIONALS, ("admin",))
    ),
    "accounts:second-factor-set-up": Rule(
        read=let(STAFF, PROFESSIONALS, ("admin",)), write=let(STAFF, PROFESSIONALS, ("admin",))
    ),
    "notifications": Rule(read=SIGNED_IN_ONLY, write=SIGNED_IN_ONLY),  # each sees their own
    "healthz": Rule(read=PUBLIC),
    "shortbreaks:statement": Rule(read=PUBLIC),  # the council's published short-breaks offer
    "shortbreaks:statement-csv": Rule(read=PUBLIC),
    "shortbreaks:service": Rule(read=PUBLIC),  # one service of the published offer
    # Casework pages: staff of the child's team; families have My child
    "casework:caseload": Rule(read=let(STAFF)),
    "casework:team": Rule(read=let(MANAGERS)),
    "casework:decisions": Rule(read=let(MANAGERS)),
    "casework:my-child": Rule(read=let(FAMILIES)),
    # A professional's pages: each sees their own children (none, once consent is withdrawn)
    "casework:professional-home": Rule(read=let(PROFESSIONALS)),
    "casework:professional-child": Rule(
        read=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional"))
    ),
    "casework:referral-new": Rule(read=let(STAFF), write=let(STAFF)),
    "casework:person-search": Rule(read=let(STAFF)),  # each finds their own teams' children
    "casework:family-member-new": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:family-member": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:case": Rule(read=TEAM_PAGE),
    "casework:team-invite": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:access-log": Rule(read=let(("manager",), hidden=("other_manager",))),
    "casework:case-transition": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:assessment": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:plan-request": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:case-review": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:plan-transition": Rule(  # agreeing to assess is the manager's decision
        read=let(("manager",), hidden=OTHER_TEAM), write=let(("manager",), hidden=OTHER_TEAM)
    ),
    "casework:plan-sections": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:plan-review": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:plan-dispute": Rule(  # mediation and appeals are recorded by the team's manager
        read=let(("manager",), hidden=("other_manager",)),
        write=let(("manager",), hidden=("other_manager",)),
    ),
    "casework:plan-comment": Rule(
        read=let(FAMILY, hidden=("other_family",)), write=let(FAMILY, hidden=("other_family",))
    ),
    "casework:plan-representation": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:review": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:advice-new": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:advice-step": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    # A professional's own advice requests, answered on their page; someone else's is a 404.
    "casework:professional-advice": Rule(read=let(PROFESSIONALS)),
    "casework:professional-advice-answer": Rule(
        read=let(PROFESSIONAL, hidden=PROFESSIONALS[1:]),
        write=let(PROFESSIONAL, hidden=PROFESSIONALS[1:]),
    ),
    # A document sent with advice: the child's team's staff and the advisers on the plan.
    "casework:advice-document": Rule(
        read=let(TEAM, PROFESSIONAL, hidden=(*OTHER_TEAM, *PROFESSIONALS[1:]))
    ),
    # A decision letter: read with what the family shares, by the team, the family and a
    # professional in the child's team with consent; to every other reader it does not exist.
    "casework:letter-download": Rule(
        read=let(
            TEAM, FAMILY, PROFESSIONAL, hidden=(*OTHER_TEAM, "other_family", *PROFESSIONALS[1:])
        )
    ),
    # Documents on the child's record: each reader uploads from their own page for the children
    # they may see (a professional only with consent) and downloads what is shared with them
    "casework:document-new": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:my-child-document-new": Rule(
        read=let(FAMILY, hidden=("other_family",)), write=let(FAMILY, hidden=("other_family",))
    ),
    "casework:professional-document-new": Rule(
        read=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional")),
        write=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional")),
    ),
    # Staff of the team, or whoever added it; the family and the professional who see it are
    # told why not
    "casework:document-withdraw": Rule(
        read=let(TEAM, hidden=(*OTHER_TEAM, "other_family", *PROFESSIONALS[1:])),
        write=let(TEAM, hidden=(*OTHER_TEAM, "other_family", *PROFESSIONALS[1:])),
    ),
    "casework:document-download": Rule(
        read=let(
            TEAM,
            FAMILY,
            PROFESSIONAL,
            hidden=(*OTHER_TEAM, "other_family", "other_professional", "withdrawn_professional"),
        )
    ),
    # The review convener's page (reg 20): Amelia's SENCO; any other professional, not found.
    "casework:professional-review": Rule(
        read=let(PROFESSIONAL, hidden=PROFESSIONALS[1:]),
        write=let(PROFESSIONAL, hidden=PROFESSIONALS[1:]),
    ),
    "casework:transfer-step": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    # transfers and re-assessments are recorded, and re-assessments decided, by a manager
    "casework:transfer-new": Rule(read=MANAGER_WRITE, write=MANAGER_WRITE),
    "casework:reassessment-new": Rule(read=MANAGER_WRITE, write=MANAGER_WRITE),
    "casework:reassessment-step": Rule(
        read=let(("manager",), hidden=OTHER_TEAM), write=let(("manager",), hidden=OTHER_TEAM)
    ),
    # exceptions and the case officer: the team reads, a manager of the team decides
    "casework:deadline-exceptions": Rule(
        read=TEAM_PAGE, write=let(("manager",), hidden=OTHER_TEAM)
    ),
    "casework:deadline-exception-withdraw": Rule(
        read=TEAM_PAGE, write=let(("manager",), hidden=OTHER_TEAM)
    ),
    "casework:deadline-waive": Rule(read=TEAM_PAGE, write=let(("manager",), hidden=OTHER_TEAM)),
    "casework:plan-case-officer": Rule(read=TEAM_PAGE, write=let(("manager",), hidden=OTHER_TEAM)),
    "casework:case-consent-override": Rule(
        read=TEAM_PAGE, write=let(("manager",), hidden=OTHER_TEAM)
    ),
    "casework:case-consent-record": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    # The team around the child: staff of the child's team edit it and record consent; the
    # family gives or withdraws its own consent from My child
    "casework:child-team": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:team-member": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:child-consents": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:my-child-consents": Rule(
        read=let(FAMILY, hidden=("other_family",)), write=let(FAMILY, hidden=("other_family",))
    ),
    # A plan's versions as pages: staff of the team, the family and the professionals who read
    # the plan; the same roles elsewhere are told it does not exist, other roles 403
    "casework:plan-versions": Rule(read=VERSIONS_PAGE),
    "casework:plan-versions-compare": Rule(read=VERSIONS_PAGE),
    "casework:plan-version-pdf": Rule(read=VERSIONS_PAGE),
    # A child's chronology: staff of the team, the family's share, a professional's share
    "casework:child-chronology": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "casework:my-child-chronology": Rule(read=let(FAMILY, hidden=("other_family",))),
    "casework:professional-chronology": Rule(
        read=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional")),
        write=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional")),
    ),
    # Budget pages: the family sees the statement only
    "budgets:panel": Rule(read=let(MANAGERS)),
    "budgets:new": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "budgets:budget": Rule(read=TEAM_PAGE),
    "budgets:score": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "budgets:plan": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "budgets:entry": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "budgets:review": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "budgets:statement": Rule(read=let(TEAM, FAMILY, refused="404")),
    "budgets:transition": Rule(  # suspending a budget is the manager's decision
        read=let(("manager",), hidden=OTHER_TEAM), write=let(("manager",), hidden=OTHER_TEAM)
    ),
    # Short-break pages: the provider records its own services' sessions
    "shortbreaks:package-new": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "shortbreaks:package": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "shortbreaks:package-transition": Rule(read=TEAM_PAGE, write=TEAM_PAGE),
    "shortbreaks:session-transition": Rule(
        read=let(TEAM, ("provider",), hidden=(*OTHER_TEAM, "other_provider")),
        write=let(TEAM, ("provider",), hidden=(*OTHER_TEAM, "other_provider")),
    ),
    "shortbreaks:provider": Rule(read=let(PROVIDERS)),  # each provider sees only its own day
    "shortbreaks:provider-day": Rule(read=let(PROVIDERS), write=let(PROVIDERS)),
    "shortbreaks:provider-calendar": Rule(read=let(PROVIDERS)),  # its own services' only
    # The local offer's changes: providers propose for their own services; staff read them;
    # team managers and commissioners decide, edit and mark services as checked.
    "shortbreaks:provider-services": Rule(read=let(PROVIDERS)),  # each its own services
    "shortbreaks:provider-service-new": Rule(read=let(PROVIDERS), write=let(PROVIDERS)),
    "shortbreaks:provider-service-change": Rule(
        read=let(("provider",), hidden=("other_provider",)),
        write=let(("provider",), hidden=("other_provider",)),
    ),
    "shortbreaks:provider-change": Rule(
        read=let(("provider",), hidden=("other_provider",)),
        write=let(("provider",), hidden=("other_provider",)),
    ),
    "shortbreaks:changes": Rule(read=let(STAFF, ("commissioner",))),
    "shortbreaks:change": Rule(
        read=let(STAFF, ("commissioner",)), write=let(STAFF, ("commissioner",))
    ),
    "shortbreaks:stale-services": Rule(
        read=let(MANAGERS, ("commissioner",)), write=let(MANAGERS, ("commissioner",))
    ),
    "shortbreaks:service-edit": Rule(
        read=let(MANAGERS, ("commissioner",)), write=let(MANAGERS, ("commissioner",))
    ),
    "shortbreaks:care-notes": Rule(  # the family and the child's team write them
        read=let(TEAM, FAMILY, hidden=(*OTHER_TEAM, "other_family")),
        write=let(TEAM, FAMILY, hidden=(*OTHER_TEAM, "other_family")),
    ),
    # Commissioning pages: staff read their own teams' figures, commissioners edit the plan
    "commissioning:report": Rule(read=let(READERS)),
    "commissioning:plan": Rule(read=let(READERS)),
    "commissioning:action-update": Rule(read=let(("commissioner",)), write=let(("commissioner",))),
    "commissioning:target": Rule(read=let(("commissioner",)), write=let(("commissioner",))),
    "commissioning:feedback": Rule(read=let(FAMILIES), write=let(FAMILIES)),
    # The API. Lists are filtered to what each person may see, so every signed-in role may ask.
    "api:api-root": Rule(read=SIGNED_IN_ONLY),
    "api:schema": Rule(read=PUBLIC),
    "api:api-docs": Rule(read=PUBLIC),
    # Open Referral UK: the published local offer, to anyone, no sign-in (issue #21)
    "api:openreferral-root": Rule(read=PUBLIC),
    "api:openreferral-openapi": Rule(read=PUBLIC),
    "api:openreferral-services": Rule(read=PUBLIC),
    "api:openreferral-service": Rule(read=PUBLIC),
    "api:openreferral-service-at-locations": Rule(read=PUBLIC),
    "api:openreferral-service-at-location": Rule(read=PUBLIC),
    "api:openreferral-taxonomies": Rule(read=PUBLIC),
    "api:openreferral-taxonomy": Rule(read=PUBLIC),
    "api:openreferral-taxonomy-terms": Rule(read=PUBLIC),
    "api:openreferral-taxonomy-term": Rule(read=PUBLIC),
    "api:auth-token": Rule(write=PUBLIC),
    "api:auth-logout": Rule(write=SIGNED_IN_ONLY),  # ends the caller's own token
    "api:auth-logout-all": Rule(write=SIGNED_IN_ONLY),
    "api:child-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:child-detail": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:child-family-members": Rule(
        read=not_theirs(TEAM, FAMILY, PROFESSIONAL), write=TEAM_WRITE
    ),
    "api:child-chronology": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:family-member-detail": Rule(write=TEAM_WRITE),
    # Case notes: the world's is shared with the family; staff and professionals add them
    "api:case-note-list": Rule(read=SIGNED_IN_ONLY, write=let(STAFF, PROFESSIONALS)),
    "api:case-note-detail": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:letter-list": Rule(read=SIGNED_IN_ONLY),  # each sees the letters they may read
    "api:letter-detail": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    # Documents: the world's is shared with the family; the team or its uploader withdraws it
    "api:document-list": Rule(read=SIGNED_IN_ONLY, write=let(STAFF, PROFESSIONALS, FAMILIES)),
    "api:document-detail": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:document-download": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:document-withdraw": Rule(
        write=let(
            TEAM,
            hidden=(*OTHER_TEAM, "other_family", "other_professional", "withdrawn_professional"),
        )
    ),
    "api:referral-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:referral-detail": Rule(read=not_theirs(TEAM)),
    "api:case-list": Rule(read=SIGNED_IN_ONLY),
    "api:case-detail": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:case-override-consent": Rule(write=let(("manager",), hidden=("other_manager",))),
    "api:case-record-consent": Rule(write=TEAM_WRITE),
    "api:case-apply-transition": Rule(write=not_theirs(TEAM, refused=(*FAMILY, *PROFESSIONAL))),
    "api:case-deadlines": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),  # their own only
    "api:case-history": Rule(  # the audit trail: staff
        read=not_theirs(TEAM, refused=(*FAMILY, *PROFESSIONAL))
    ),
    "api:case-transitions": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:assessment-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:assessment-detail": Rule(read=not_theirs(TEAM), write=TEAM_WRITE, put=NO_PUT),
    "api:ehc-plan-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:ehc-plan-detail": Rule(
        read=not_theirs(TEAM, FAMILY, PROFESSIONAL), write=TEAM_WRITE, put=NO_PUT
    ),
    "api:ehc-plan-apply-transition": Rule(
        write=not_theirs(("manager",), refused=("practitioner", "family", "professional"))
    ),
    "api:ehc-plan-comments": Rule(write=let(FAMILY, hidden=("other_family",))),
    # the review convener (a professional) records the meeting and the report sent
    "api:ehc-plan-review-meeting": Rule(
        write=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional"))
    ),
    "api:ehc-plan-review-report": Rule(
        write=let(PROFESSIONAL, hidden=("other_professional", "withdrawn_professional"))
    ),
    "api:ehc-plan-transitions": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    # A plan's versions: whoever may read the plan; to anyone else it does not exist
    "api:plan-version-list": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:plan-version-compare": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:plan-version-detail": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    "api:plan-version-pdf": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL)),
    # Advice, transfers and re-assessments: staff records; managers record transfers and
    # re-assessments and decide them
    "api:ehc-plan-advice-requests-list": Rule(read=not_theirs(TEAM), write=TEAM_WRITE),
    "api:ehc-plan-transfers-list": Rule(read=not_theirs(TEAM), write=MANAGER_WRITE),
    "api:ehc-plan-reassessments-list": Rule(read=not_theirs(TEAM), write=MANAGER_WRITE),
    "api:advice-request-list": Rule(read=SIGNED_IN_ONLY),
    "api:advice-request-detail": Rule(read=not_theirs(TEAM)),
    # The adviser answers their own request; to any other professional it does not exist.
    "api:advice-request-submit": Rule(
        write=let(TEAM, PROFESSIONAL, hidden=(*OTHER_TEAM, *PROFESSIONALS[1:]))
    ),
    "api:transfer-list": Rule(read=SIGNED_IN_ONLY),
    "api:transfer-detail": Rule(read=not_theirs(TEAM)),
    "api:transfer-notice-given": Rule(write=TEAM_WRITE),
    "api:transfer-sent": Rule(write=TEAM_WRITE),
    "api:reassessment-list": Rule(read=SIGNED_IN_ONLY),
    "api:reassessment-detail": Rule(read=not_theirs(TEAM)),
    "api:reassessment-decide": Rule(write=MANAGER_WRITE),
    "api:reassessment-final-issued": Rule(write=MANAGER_WRITE),
    "api:plan-dispute-list": Rule(
        read=not_theirs(TEAM, FAMILY), write=let(("manager",), hidden=("other_manager",))
    ),
    "api:tribunal-order-step-done": Rule(write=let(("manager",), hidden=("other_manager",))),
    "api:plan-representation-list": Rule(  # the family's own, and staff recording one received
        read=not_theirs(TEAM, FAMILY),
        write=let(TEAM, FAMILY, hidden=(*OTHER_TEAM, "other_family")),
    ),
    "api:review-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:review-detail": Rule(
        read=not_theirs(TEAM, FAMILY, PROFESSIONAL), write=TEAM_WRITE, put=NO_PUT
    ),
    "api:deadline-list": Rule(read=SIGNED_IN_ONLY),
    "api:deadline-detail": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:deadline-record-exception": Rule(write=let(("manager",), hidden=("other_manager",))),
    "api:deadline-exception-list": Rule(read=SIGNED_IN_ONLY),
    "api:deadline-exception-detail": Rule(read=not_theirs(TEAM)),
    "api:deadline-exception-withdraw": Rule(write=let(("manager",), hidden=("other_manager",))),
    "api:deadline-waive": Rule(write=let(("manager",), hidden=("other_manager",))),
    # The team around the child and consent: read by the team, the family and the professionals
    # who see the child (not one whose agency's consent is withdrawn); the team edits it, the
    # family records consent too
    "api:child-team": Rule(read=not_theirs(TEAM, FAMILY, PROFESSIONAL), write=TEAM_WRITE),
    "api:team-member-detail": Rule(write=TEAM_WRITE),
    "api:child-consents": Rule(
        read=not_theirs(TEAM, FAMILY, PROFESSIONAL),
        write=let(TEAM, FAMILY, hidden=(*OTHER_TEAM, "other_family")),
    ),
    "api:allocation-scheme-list": Rule(read=SIGNED_IN_ONLY),
    "api:allocation-scheme-detail": Rule(read=not_theirs(STAFF)),  # the council's one scheme
    "api:allocation-scheme-score": Rule(write=let(STAFF)),
    "api:allocation-scheme-versions": Rule(write=let(MANAGERS)),
    "api:budget-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:budget-detail": Rule(read=not_theirs(TEAM, FAMILY), write=TEAM_WRITE, put=NO_PUT),
    "api:budget-apply-transition": Rule(
        write=not_theirs(("manager",), refused=("practitioner", "family"))
    ),
    "api:budget-ledger": Rule(read=not_theirs(TEAM, refused=FAMILY), write=TEAM_WRITE),
    "api:budget-recoveries": Rule(write=let(("manager",), hidden=("other_manager",))),
    "api:budget-score": Rule(write=TEAM_WRITE),
    "api:budget-review": Rule(write=TEAM_WRITE),
    "api:budget-statement": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:budget-statement-csv": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:budget-statement-pdf": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:budget-transitions": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:service-list": Rule(read=SIGNED_IN_ONLY, write=let(MANAGERS, ("commissioner",))),
    "api:service-detail": Rule(
        read=SIGNED_IN_ONLY, write=let(MANAGERS, ("commissioner",)), put=NO_PUT
    ),
    "api:service-change-list": Rule(read=SIGNED_IN_ONLY, write=let(PROVIDERS)),
    "api:service-change-detail": Rule(read=not_theirs(STAFF, ("commissioner", "provider"))),
    "api:service-change-transitions": Rule(read=not_theirs(STAFF, ("commissioner", "provider"))),
    "api:service-change-apply-transition": Rule(
        write=not_theirs(MANAGERS, ("commissioner",), refused=(*TEAM, *OTHER_TEAM, "provider"))
    ),
    "api:service-change-approve": Rule(
        write=not_theirs(MANAGERS, ("commissioner",), refused=(*TEAM, *OTHER_TEAM, "provider"))
    ),
    "api:service-change-reject": Rule(
        write=not_theirs(MANAGERS, ("commissioner",), refused=(*TEAM, *OTHER_TEAM, "provider"))
    ),
    "api:package-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:package-detail": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:package-apply-transition": Rule(write=not_theirs(TEAM, refused=FAMILY)),
    "api:package-transitions": Rule(read=not_theirs(TEAM, FAMILY)),
    "api:session-list": Rule(read=SIGNED_IN_ONLY, write=STAFF_WRITE),
    "api:session-detail": Rule(read=not_theirs(TEAM, FAMILY, ("provider",))),
    "api:session-apply-transition": Rule(write=not_theirs(TEAM, ("provider",), refused=FAMILY)),
    "api:session-transitions": Rule(read=not_theirs(TEAM, FAMILY, ("provider",))),
    "api:plan-list": Rule(read=let(READERS)),
    "api:plan-detail": Rule(read=let(READERS)),
    "api:target-list": Rule(read=let(READERS), write=let(("commissioner",))),
    "api:target-detail": Rule(read=let(READERS), write=let(("commissioner",)), put=NO_PUT),
    "api:action-list": Rule(read=let(READERS)),
    "api:action-detail": Rule(read=let(READERS)),
    "api:action-progress": Rule(write=let(("commissioner",))),
    "api:uptake-report": Rule(read=let(READERS)),
    "api:metrics": Rule(read=let(READERS)),
    "api:feedback": Rule(write=let(FAMILIES)),
    "api:notification-list": Rule(read=SIGNED_IN_ONLY),  # each sees their own
    "api:notification-detail": Rule(read=not_theirs(("practitioner",))),
    "api:notification-read": Rule(write=not_theirs(("practitioner",))),
    # Organisations and professionals: staff invite professionals, who see the organisations
    "api:organisation-list": Rule(read=let(STAFF, PROFESSIONALS)),
    "api:professional-list": Rule(read=let(STAFF)),
    "api:professional-invitations": Rule(write=STAFF_WRITE),
    # Anybody may ask for an assessment (reg 3) but staff, who record it on the plan, and
    # professionals other than schools and colleges; the queue is the council staff's.
    "api:ehc-request-list": Rule(
        read=let(STAFF),
        write=let(FAMILIES, ("professional", "other_professional"), ("anonymous",)),
    ),
    "api:ehc-request-detail": Rule(read=let(TEAM, hidden=OTHER_TEAM)),
    "casework:request-assessment": Rule(
        read=PUBLIC,  # everyone sees the form, or the reason they cannot use it
        write=let(FAMILIES, ("professional", "other_professional"), ("anonymous",)),
    ),
    "casework:request-assessment-received": Rule(read=PUBLIC),  # this browser's request only
    "casework:ehc-requests": Rule(read=let(STAFF)),
    "casework:ehc-request-accept": Rule(write=let(TEAM, hidden=OTHER_TEAM)),
    "api:ehc-request-accept": Rule(write=let(TEAM, hidden=OTHER_TEAM)),
    # Allocation: a manager of the team allocates; whom to, among their own teams' staff
    "api:auth-me": Rule(read=SIGNED_IN_ONLY),  # each is told about themselves
    "api:user-list": Rule(read=let(MANAGERS)),
    "api:case-allocate": Rule(write=MANAGER_WRITE),
    "casework:case-allocate": Rule(read=TEAM_PAGE, write=let(("manager",), hidden=OTHER_TEAM)),
}

# Django's admin is for the system administrator only; everyone else is sent to its sign-in.
ADMIN_EXCEPTIONS = {
    "admin:login": Rule(read=PUBLIC),
    "admin:logout": Rule(read=everyone("in")),  # signing out: nothing to protect
}

ROUTES = product_routes()
MISSING_PK = 987_654


def rule_of(route: Route) -> Rule | None:
    """The route's rule; every admin route has the admin's unless it is an exception."""
    if route.key in RULES:
        return RULES[route.key]
    if route.key in ADMIN_EXCEPTIONS:
        return ADMIN_EXCEPTIONS[route.key]
    return Rule(read=ADMIN_ONLY, write=ADMIN_ONLY) if route.is_admin else None


def test_every_route_has_a_rule():
    without = [
        f"{route.key} ({route.pattern})"
        for route in ROUTES
        if route.key not in RULES and not route.is_admin
    ]
    assert not without, "Write the access rule of each new route in RULES: " + ", ".join(without)
    stale = set(RULES) - {route.key for route in ROUTES}
    assert not stale, f"Rules for routes that no longer exist: {sorted(stale)}"


def test_every_rule_covers_each_method_its_route_answers():
    missing = [
        f"{route.key} {method.upper()}"
        for route in ROUTES
        if (rule := rule_of(route)) is not None
        for method in route.methods
        if rule.expect(method) is None
    ]
    assert not missing, f"No rule for: {missing}"


@pytest.fixture
def world(db) -> World:
    with time_machine.travel(TODAY, tick=False):
        yield build()


def _asked(world: World, route: Route) -> list[str]:
    """Every actor × method on this route; the mismatches, each in one line."""
    rule = rule_of(route)
    url = url_of(route, params_for(world, route))
    wrong = []
    for method in route.methods:
        expected = rule.expect(method) if rule else None
        if expected is None:
            continue
        for actor in ACTORS:
            got, want = ask(world, actor, route, method, url), expected[actor]
            if got != want and not (want == "in" and got not in ("auth", "5xx")):
                wrong.append(f"{method.upper()} {url} as {actor}: {got}, expected {want}")
    return wrong


PAGE_AND_API_ROUTES = [route for route in ROUTES if not route.is_admin]


@pytest.mark.parametrize("route", PAGE_AND_API_ROUTES, ids=lambda route: route.key)
def test_each_role_gets_what_its_rule_says(world, route):
    with time_machine.travel(TODAY, tick=False):
        assert _asked(world, route) == []


def test_the_admin_is_for_the_system_administrator_only(world):
    admin_routes = [route for route in ROUTES if route.is_admin]
    with time_machine.travel(TODAY, tick=False):
        wrong = [line for route in admin_routes for line in _asked(world, route)]
    assert len(admin_routes) > 50
    assert wrong == []


RECORD_ROUTES = [route for route in PAGE_AND_API_ROUTES if "pk" in route.params]


@pytest.mark.parametrize("route", RECORD_ROUTES, ids=lambda route: route.key)
def test_somebody_elses_record_answers_exactly_as_a_missing_one(world, route):
    """Whoever is told 404 about team A's record gets the same answer, word for word, about a
    record that does not exist: nobody learns that another family's record is there."""
    rule = RULES[route.key]
    own_url = url_of(route, params_for(world, route))
    missing_url = url_of(route, params_for(world, route, pk=MISSING_PK))
    compared = 0
    with time_machine.travel(TODAY, tick=False):
        for method in route.methods:
            expected = rule.expect(method) or {}
            for actor in (actor for actor, word in expected.items() if word == "404"):
                theirs = respond(world, actor, route, method, own_url)
                missing = respond(world, actor, route, method, missing_url)
                assert outcome(theirs) == "404"
                assert (theirs.status_code, _body(theirs)) == (
                    missing.status_code,
                    _body(missing),
                ), f"{method.upper()} {own_url} as {actor}"
                compared += 1
    assert compared or all(
        "404" not in (rule.expect(method) or {}).values() for method in route.methods
    )


def _body(response) -> object:
    """The API's JSON as it is; a page's text without its per-request nonce and CSRF token."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    text = response.content.decode()
    return re.sub(r'(nonce|csrfmiddlewaretoken" value)="[^"]*"', r'\1=""', text)


def test_a_write_is_refused_before_its_body_is_read(world):
    """Somebody who may never do a thing is told so (403 and why), not what was wrong with the
    body: validation messages are for the people who may do it."""
    for actor in ("family", "provider", "commissioner"):
        client = client_for(world, actor, CHILD_LIST)
        response = client.post("/api/v1/children/", {"date_of_birth": "soon"}, format="json")

        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only a practitioner or a team manager can do this.",
            "code": "not_permitted",
            "fields": {},
        }


CHILD_LIST = next(route for route in ROUTES if route.key == "api:child-list")


FORM_ROUTES = [
    route for route in ROUTES if not route.is_api and set(route.methods) & set(WRITE_METHODS)
]


@pytest.mark.parametrize("route", FORM_ROUTES, ids=lambda route: route.key)
def test_every_form_refuses_a_post_without_its_csrf_token(world, route):
    """Asked by somebody the rule lets in, so the refusal can only be the missing token."""
    url = url_of(route, params_for(world, route))
    for method in (method for method in route.methods if method in WRITE_METHODS):
        expected = rule_of(route).expect(method) or {}
        # Signing out lets nobody "in", but a signed-in person's sign-out needs the token too.
        let_in = (actor for actor, word in expected.items() if word in ("ok", "in"))
        actor = next(let_in, "practitioner")
        client = Client(enforce_csrf_checks=True)
        if world.people[actor] is not None:
            client.force_login(world.people[actor])
        with time_machine.travel(TODAY, tick=False), transaction.atomic():
            response = getattr(client, method)(url, {})
            transaction.set_rollback(True)

        assert response.status_code == 403, f"{method.upper()} {url} as {actor}"
        assert b"CSRF verification failed" in response.content
