"""The case: a child's journey through the service, and its machine (DESIGN §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import Role
from casework import deadlines as due
from casework.models.choices import AssessmentOutcome, CaseStatus, ReviewOutcome
from casework.models.people import Child
from workflows import clock
from workflows.prepared import prepared_values
from workflows.registry import Step
from workflows.rules import condition, requires_role

PRACTITIONER = requires_role(Role.PRACTITIONER)
TEAM_MANAGER = requires_role(Role.TEAM_MANAGER)


OPEN_CASE_STATES = [state for state in CaseStatus.values if state != CaseStatus.CLOSED]

# Whether support has been arranged (an approved budget, an active package). The budgets and
# short-breaks apps, which sit above casework, append their checks here from their ready().
SUPPORT_ARRANGED_CHECKS: list[Any] = []
# For a page that checks many cases at once (the decisions queue), each check's annotation: the
# attribute it reads when present and the expression, on the case's child, that sets it.
SUPPORT_ARRANGED_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def with_support_arranged(cases: models.QuerySet[Case]) -> models.QuerySet[Case]:
    return cases.annotate(**{name: make() for name, make in SUPPORT_ARRANGED_ANNOTATIONS.items()})


@condition("The referral has no recorded consent to share, and no manager has overridden it.")
def consent_recorded(case: Case) -> bool:
    if case.consent_override_reason:
        return True
    if not Case.referral.is_cached(case):
        _read_referral(case)
    referral = getattr(case, "referral", None)
    return bool(referral and referral.consent_to_share)


def _read_referral(case: Case) -> None:
    """The case's referral, read as Django reads it but by SQL compiled once
    (`workflows.prepared`): the engine asks this of the row it has just locked, on every step of
    a case, and compiling the read cost more than the read."""
    relation = Case.referral.related
    model = cast("type[models.Model]", relation.related_model)
    names = [field.attname for field in model._meta.concrete_fields]

    def of_case(case: int) -> models.QuerySet[Any, Any]:
        return model._default_manager.filter(case_id=case).values(*names)

    _, rows = prepared_values("casework.case.referral", of_case, case=case.pk)
    referral = model.from_db(case._state.db, names, rows[0]) if rows else None
    if referral is not None:
        relation.field.set_cached_value(referral, case)
    relation.set_cached_value(case, referral)


@condition("The assessment has not been completed with the outcome “eligible”.")
def assessed_eligible(case: Case) -> bool:
    return case.assessments.filter(
        completed_on__isnull=False, outcome=AssessmentOutcome.ELIGIBLE
    ).exists()


@condition("The assessment has not been completed with an outcome of no eligible need.")
def assessed_not_eligible(case: Case) -> bool:
    return (
        case.assessments.filter(completed_on__isnull=False)
        .exclude(outcome=AssessmentOutcome.ELIGIBLE)
        .exclude(outcome="")
        .exists()
    )


@condition("There is no approved personal budget or active short-break package yet.")
def support_arranged(case: Case) -> bool:
    return any(check(case) for check in SUPPORT_ARRANGED_CHECKS)


@condition("No review has been scheduled: add a review first.")
def review_scheduled(case: Case) -> bool:
    return case.reviews.current().exists()


@condition("The review has no outcome of maintain or amend recorded yet.")
def review_outcome_recorded(case: Case) -> bool:
    return (
        case.reviews.current()
        .filter(outcome__in=[ReviewOutcome.MAINTAIN, ReviewOutcome.AMEND])
        .exists()
    )


@condition("The young person is not yet 14.")
def aged_14_or_over(case: Case) -> bool:
    return case.child.age_on(clock.today()) >= 14


@condition("The young person is not yet 17½.")
def aged_17_and_a_half_or_over(case: Case) -> bool:
    return clock.add_months(case.child.date_of_birth, 12 * 17 + 6) <= clock.today()


@condition("The case was closed more than 12 months ago: record a new referral instead.")
def closed_within_12_months(case: Case) -> bool:
    return case.closed_on is not None and clock.add_months(case.closed_on, 12) >= clock.today()


@condition("The child already has another open case.")
def no_other_open_case(case: Case) -> bool:
    return (
        not Case.objects.filter(child_id=case.child_id, status__in=OPEN_CASE_STATES)
        .exclude(pk=case.pk)
        .exists()
    )


REASON = {"reason": due.reason_field()}


class Case(FSMModelMixin, models.Model):
    """One episode of support for one child.

    referred ─accept_referral→ assessing ─complete_assessment→ planning ─start_support→ active
    referred ─signpost→ closed;  assessing ─close_no_eligible_need→ closed
    active ─begin_review→ reviewing ─complete_review→ active (deciding the current review with
    the outcome recorded at its meeting: `casework.services.review_decide`)
    active ─begin_transition→ preparing_for_adulthood ─transfer_to_adult_services→ closed
    any open state ─close→ closed;  closed ─reopen (within 12 months)→ referred
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
    )
    status = FSMField(default=CaseStatus.REFERRED, choices=CaseStatus.choices, protected=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    consent_override_reason = models.TextField(blank=True)
    handover_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="one_open_case_per_child",
            )
        ]
        indexes = [models.Index(fields=["team", "status"], name="case_team_status")]

    def __str__(self) -> str:
        return f"Case {self.pk} for {self.child}"

    @property
    def is_open(self) -> bool:
        return bool(self.status != CaseStatus.CLOSED)

    @transition(
        field=status,
        source=CaseStatus.REFERRED,
        target=CaseStatus.ASSESSING,
        permission=PRACTITIONER,
        conditions=[consent_recorded],
        custom={
            "step": Step(
                "Accept the referral",
                closes=(due.REFERRAL_DECISION,),
                done="Referral accepted: the assessment has started",
            )
        },
    )
    def accept_referral(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.REFERRED,
        target=CaseStatus.CLOSED,
        permission=PRACTITIONER,
        custom={
            "step": Step(
                "Signpost to targeted services",
                params=REASON,
                done="Signposted to targeted services: the case is closed",
                destructive=True,
                consequence="The case will be closed. A team manager can reopen it within 12 "
                "months.",
                closes=(due.REFERRAL_DECISION,),
                not_required=(due.ASSESSMENT_COMPLETE,),
            )
        },
    )
    def signpost(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.closed_on = on
        self.closure_reason = f"Signposted to targeted services: {reason}"

    @transition(
        field=status,
        source=CaseStatus.ASSESSING,
        target=CaseStatus.PLANNING,
        permission=PRACTITIONER,
        conditions=[assessed_eligible],
        custom={
            "step": Step(
                "Complete the assessment",
                closes=(due.ASSESSMENT_COMPLETE,),
                done="Assessment completed: the case moves to planning",
            )
        },
    )
    def complete_assessment(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.ASSESSING,
        target=CaseStatus.CLOSED,
        permission=PRACTITIONER,
        conditions=[assessed_not_eligible],
        custom={
            "step": Step(
                "Close: no eligible need",
                closes=(due.ASSESSMENT_COMPLETE,),
                done="Case closed: no eligible need",
                destructive=True,
                consequence="The case will be closed. A team manager can reopen it within 12 "
                "months.",
            )
        },
    )
    def close_no_eligible_need(self, *, by: Any, on: dt.date, note: str) -> None:
        self.closed_on = on
        self.closure_reason = "No eligible need found by the assessment."

    @transition(
        field=status,
        source=CaseStatus.PLANNING,
        target=CaseStatus.ACTIVE,
        permission=TEAM_MANAGER,
        conditions=[support_arranged],
        custom={
            "step": Step(
                "Start support",
                opens=(due.ANNUAL_REVIEW,),
                decision=True,
                done="Support started: the annual review is now due in 12 months",
            )
        },
    )
    def start_support(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.ACTIVE,
        target=CaseStatus.REVIEWING,
        permission=PRACTITIONER,
        conditions=[review_scheduled],
        custom={
            "step": Step("Begin the review", closes=(due.ANNUAL_REVIEW,), done="Review begun")
        },
    )
    def begin_review(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.REVIEWING,
        target=CaseStatus.ACTIVE,
        permission=PRACTITIONER,
        conditions=[review_outcome_recorded],
        custom={
            "step": Step(
                "Complete the review", opens=(due.ANNUAL_REVIEW,), done="Review completed"
            )
        },
    )
    def complete_review(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.ACTIVE,
        target=CaseStatus.PREPARING_FOR_ADULTHOOD,
        permission=PRACTITIONER,
        conditions=[aged_14_or_over],
        custom={
            "step": Step("Begin preparing for adulthood", done="Preparing for adulthood begun")
        },
    )
    def begin_transition(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.PREPARING_FOR_ADULTHOOD,
        target=CaseStatus.CLOSED,
        permission=TEAM_MANAGER,
        conditions=[aged_17_and_a_half_or_over],
        custom={
            "step": Step(
                "Transfer to adult services",
                params={"handover_on": due.date_field("Enter the handover date.")},
                done="Case transferred to adult services and closed",
                destructive=True,
                consequence="The case will be closed and handed over to adult services.",
                closes=(due.ANNUAL_REVIEW,),
            )
        },
    )
    def transfer_to_adult_services(
        self, *, by: Any, on: dt.date, note: str, handover_on: dt.date
    ) -> None:
        self.handover_on = handover_on
        self.closed_on = on
        self.closure_reason = "Transferred to adult services."

    @transition(
        field=status,
        source=OPEN_CASE_STATES,
        target=CaseStatus.CLOSED,
        permission=TEAM_MANAGER,
        custom={
            "step": Step(
                "Close the case",
                params=REASON,
                done="Case closed",
                destructive=True,
                consequence="The case will be closed and its running deadlines stopped. It can "
                "be reopened within 12 months.",
                closes=(due.REFERRAL_DECISION,),
                not_required=(due.ASSESSMENT_COMPLETE, due.ANNUAL_REVIEW),
            )
        },
    )
    def close(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.closed_on = on
        self.closure_reason = reason

    @transition(
        field=status,
        source=CaseStatus.CLOSED,
        target=CaseStatus.REFERRED,
        permission=TEAM_MANAGER,
        conditions=[closed_within_12_months, no_other_open_case],
        custom={"step": Step("Reopen the case", params=REASON, done="Case reopened")},
    )
    def reopen(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.closed_on = None
        self.closure_reason = ""
