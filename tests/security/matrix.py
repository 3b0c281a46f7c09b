"""Asking one route, as one actor, with one method, and saying what came back in one word."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from shortbreaks.openreferral.taxonomy import SERVICE_TYPE
from tests.security.routes import Route
from tests.security.world import World

SIGN_IN_PAGES = ("/sign-in/", "/admin/login/")


def outcome(response) -> str:
    """ok (let in: any answer past the access check), auth, 403, 404 or 405; 5xx is a bug."""
    code = response.status_code
    if code >= 500:
        return "5xx"
    if code == 401 or (code == 302 and response["Location"].startswith(SIGN_IN_PAGES)):
        return "auth"
    if code in (403, 404, 405):
        return str(code)
    return "ok"


def client_for(world: World, actor: str, route: Route) -> Client:
    user = world.people[actor]
    if route.is_api:
        client = APIClient()
        token = world.token(actor)
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url_of(route: Route, kwargs: dict[str, Any]) -> str:
    """The pattern with its parameters filled in (unnamed admin routes cannot be reversed)."""

    def value(match: re.Match[str]) -> str:
        return str(kwargs[match["name"]])

    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, route.pattern)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def respond(world: World, actor: str, route: Route, method: str, url: str):
    """The answer; a write is rolled back, so that every actor finds the same world."""
    client = client_for(world, actor, route)
    with transaction.atomic():
        if route.is_api:
            response = getattr(client, method)(url, {}, format="json")
        else:
            response = getattr(client, method)(url)
        transaction.set_rollback(True)
    return response


def ask(world: World, actor: str, route: Route, method: str, url: str) -> str:
    return outcome(respond(world, actor, route, method, url))


# Which of the world's records each route is asked about; the rest need no record.
RECORD_OF = {
    "casework:case": "case",
    "casework:case-consent-override": "case",
    "casework:case-consent-record": "case",
    "casework:team-invite": "child",
    "casework:ehc-request-accept": "ehc_request",
    "casework:access-log": "case",
    "casework:case-transition": "case",
    "casework:assessment": "case",
    "casework:plan-request": "case",
    "casework:case-review": "case",
    "budgets:new": "case",
    "shortbreaks:package-new": "case",
    "casework:professional-child": "child",
    "casework:plan-transition": "plan",
    "casework:plan-sections": "plan",
    "casework:plan-review": "plan",
    "casework:plan-comment": "plan",
    "casework:plan-dispute": "plan",
    "casework:plan-representation": "plan",
    "casework:plan-case-officer": "plan",
    "casework:deadline-exceptions": "deadline",
    "casework:deadline-waive": "deadline",
    "casework:deadline-exception-withdraw": "deadline_exception",
    "casework:review": "review",
    "casework:advice-new": "plan",
    "casework:transfer-new": "plan",
    "casework:reassessment-new": "plan",
    "casework:advice-step": "advice_request",
    "casework:professional-advice-answer": "professional_advice_request",
    "casework:advice-document": "advice_document",
    "casework:letter-download": "letter",
    "api:letter-detail": "letter",
    "casework:document-new": "child",
    "casework:my-child-document-new": "child",
    "casework:professional-document-new": "child",
    "casework:document-download": "shared_document",
    "casework:document-withdraw": "shared_document",
    "api:document-detail": "shared_document",
    "api:document-download": "shared_document",
    "api:document-withdraw": "shared_document",
    "casework:professional-review": "plan",
    "casework:transfer-step": "transfer",
    "casework:reassessment-step": "reassessment",
    "casework:child-team": "child",
    "casework:team-member": "team_member",
    "casework:child-consents": "child",
    "casework:my-child-consents": "child",
    "budgets:budget": "budget",
    "budgets:score": "budget",
    "budgets:plan": "budget",
    "budgets:entry": "budget",
    "budgets:review": "budget",
    "budgets:statement": "budget",
    "budgets:transition": "budget",
    "shortbreaks:package": "package",
    "shortbreaks:package-transition": "package",
    "shortbreaks:session-transition": "session",
    "shortbreaks:care-notes": "child",
    "commissioning:plan": "commissioning_plan",
    "commissioning:action-update": "action",
    "commissioning:target": "measure",
    "casework:child-chronology": "child",
    "casework:my-child-chronology": "child",
    "casework:professional-chronology": "child",
    "api:child-chronology": "child",
    "api:case-note-detail": "case_note",
    "api:child-detail": "child",
    "api:child-family-members": "child",
    "api:family-member-detail": "family_member",
    "casework:family-member-new": "child",
    "casework:family-member": "family_member",
    "api:referral-detail": "referral",
    "api:case-detail": "case",
    "api:case-override-consent": "case",
    "api:case-record-consent": "case",
    "api:case-apply-transition": "case",
    "api:case-allocate": "case",
    "casework:case-allocate": "case",
    "api:case-deadlines": "case",
    "api:case-history": "case",
    "api:case-transitions": "case",
    "api:assessment-detail": "assessment",
    "api:ehc-plan-detail": "plan",
    "api:ehc-request-detail": "ehc_request",
    "api:ehc-request-accept": "ehc_request",
    "api:ehc-plan-apply-transition": "plan",
    "api:ehc-plan-comments": "plan",
    "api:ehc-plan-review-meeting": "plan",
    "api:ehc-plan-review-report": "plan",
    "api:plan-representation-list": "plan",
    "api:ehc-plan-transitions": "plan",
    "api:plan-dispute-list": "plan",
    "api:tribunal-order-step-done": "order_step",
    "api:review-detail": "review",
    "api:ehc-plan-advice-requests-list": "plan",
    "api:ehc-plan-transfers-list": "plan",
    "api:ehc-plan-reassessments-list": "plan",
    "api:advice-request-detail": "advice_request",
    "api:advice-request-submit": "professional_advice_request",
    "api:transfer-detail": "transfer",
    "api:transfer-notice-given": "transfer",
    "api:transfer-sent": "transfer",
    "api:reassessment-detail": "reassessment",
    "api:reassessment-decide": "reassessment",
    "api:reassessment-final-issued": "reassessment",
    "api:deadline-detail": "deadline",
    "api:deadline-record-exception": "deadline",
    "api:deadline-waive": "deadline",
    "api:deadline-exception-detail": "deadline_exception",
    "api:deadline-exception-withdraw": "deadline_exception",
    "api:child-team": "child",
    "api:team-member-detail": "team_member",
    "api:child-consents": "child",
    "api:allocation-scheme-detail": "scheme",
    "api:allocation-scheme-score": "scheme",
    "api:allocation-scheme-versions": "scheme",
    "api:budget-statement-csv": "budget",
    "api:budget-statement-pdf": "budget",
    "api:budget-detail": "budget",
    "api:budget-apply-transition": "budget",
    "api:budget-ledger": "budget",
    "api:budget-recoveries": "budget",
    "api:budget-score": "budget",
    "api:budget-review": "budget",
    "api:budget-statement": "budget",
    "api:budget-transitions": "budget",
    "api:service-detail": "service",
    "api:service-change-detail": "service_change",
    "api:service-change-transitions": "service_change",
    "api:service-change-apply-transition": "service_change",
    "api:service-change-approve": "service_change",
    "api:service-change-reject": "service_change",
    "shortbreaks:provider-service-change": "service",
    "shortbreaks:provider-change": "service_change",
    "shortbreaks:change": "service_change",
    "shortbreaks:service-edit": "service",
    "api:package-detail": "package",
    "api:package-apply-transition": "package",
    "api:package-transitions": "package",
    "api:session-detail": "session",
    "api:session-apply-transition": "session",
    "api:session-transitions": "session",
    "api:plan-detail": "commissioning_plan",
    "api:target-detail": "target",
    "api:action-detail": "action",
    "api:action-progress": "action",
    "api:notification-detail": "notification",
    "api:notification-read": "notification",
    "api:plan-version-list": "plan",
    "api:plan-version-compare": "plan",
    "api:plan-version-detail": "plan",
    "api:plan-version-pdf": "plan",
    "casework:plan-versions": "plan",
    "casework:plan-versions-compare": "plan",
    "casework:plan-version-pdf": "plan",
}

# A step that the record's state allows, so that a permitted actor really gets through.
STEP_OF = {
    "case": "complete_assessment",
    "plan": "agree_to_assess",
    "budget": "suspend",
    "package": "end",
    "service_change": "approve",
    "session": "deliver",
    "advice_request": "submit",
    "transfer": "send",
    "reassessment": "refuse",
}


def params_for(world: World, route: Route, *, pk: int | None = None) -> dict[str, Any]:
    """The route's parameters; `pk` replaces the record's own (a missing one, say)."""
    record = RECORD_OF.get(route.key)
    admin = world.people["admin"]
    known = {
        "name": STEP_OF.get(record or ""),
        "period": "2026-27",
        "day": world.records["session"].date.isoformat(),
        "object_id": admin.pk if admin else 0,
        "id": admin.pk if admin else 0,
        "content_type_id": 1,
        "app_label": "accounts",
        "url": "nowhere/",
        "uidb64": "MQ",  # a password-reset link, not a valid one
        "token": "set-password",
        "number": 1,  # the plan's first version (world.py)
        # The directory's pages and the Open Referral UK API go by published UUIDs.
        "service_id": world.records["service"].uuid,
        "service_at_location_id": world.records["service_at_location"].uuid,
        "taxonomy_id": SERVICE_TYPE.id,
        "taxonomy_term_id": SERVICE_TYPE.terms[0].id,
    }
    kwargs = {name: known[name] for name in route.params if name != "pk"}
    if "pk" in route.params:
        kwargs["pk"] = pk if pk is not None else world.records[record].pk
    return kwargs
