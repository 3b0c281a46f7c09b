"""People and the case: children, families, cases, referrals, assessments, EHC plans, reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.roles import Role
from casework import deadlines as due
from casework.messages import plan_decision_letter
from workflows import clock
from workflows.registry import DeadlineRule, Satisfied
from workflows.rules import condition, requires_role

PRACTITIONER = requires_role(Role.PRACTITIONER)
TEAM_MANAGER = requires_role(Role.TEAM_MANAGER)


class PrimaryNeed(models.TextChoices):
    """SEN2 primary type of need."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"


def validate_nhs_number(value: str) -> None:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError("Enter an NHS number of 10 digits, like 943 476 5919.")
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValidationError("This is not a valid NHS number: check the digits.")


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day`; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


class Child(models.Model):
    """A disabled child or young person aged 0 to 25. Age is derived, never stored."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    nhs_number = models.CharField(
        "NHS number", max_length=12, blank=True, validators=[validate_nhs_number]
    )
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    primary_need = models.CharField(max_length=4, choices=PrimaryNeed.choices)
    disabilities = models.JSONField(default=list, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    ward = models.CharField(max_length=80, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The team responsible for the child; its staff may see the record.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["team", "family_name"], name="child_team_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(clock.today())


class FamilyMember(models.Model):
    """A parent, carer or the young person themself; `user` is their login, if they have one."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_members")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="family_links",
    )

    class Meta:
        ordering = ["child", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship} of {self.child})"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ASSESSING = "assessing", "Being assessed"
    PLANNING = "planning", "Planning support"
    ACTIVE = "active", "Receiving support"
    REVIEWING = "reviewing", "Being reviewed"
    PREPARING_FOR_ADULTHOOD = "preparing_for_adulthood", "Preparing for adulthood"
    CLOSED = "closed", "Closed"


OPEN_CASE_STATES = [state for state in CaseStatus.values if state != CaseStatus.CLOSED]

# Whether support has been arranged (an approved budget, an active package). The budgets and
# short-breaks apps, which sit above casework, append their checks here from their ready().
SUPPORT_ARRANGED_CHECKS: list[Any] = []


@condition("The referral has no recorded consent to share, and no manager has overridden it.")
def consent_recorded(case: Case) -> bool:
    referral = getattr(case, "referral", None)
    return bool(case.consent_override_reason or (referral and referral.consent_to_share))


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
    return case.reviews.filter(decision_on__isnull=True).exists()


@condition("The review has no outcome of maintain or amend recorded yet.")
def review_outcome_recorded(case: Case) -> bool:
    return case.reviews.filter(
        decision_on__isnull=True, outcome__in=[ReviewOutcome.MAINTAIN, ReviewOutcome.AMEND]
    ).exists()


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
    active ─begin_review→ reviewing ─complete_review→ active
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
        custom={"label": "Accept the referral", "closes": ["referral_decision"]},
    )
    def accept_referral(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.REFERRED,
        target=CaseStatus.CLOSED,
        permission=PRACTITIONER,
        custom={
            "label": "Signpost to targeted services",
            "params": REASON,
            "closes": ["referral_decision", "assessment_complete"],
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
        custom={"label": "Complete the assessment", "closes": ["assessment_complete"]},
    )
    def complete_assessment(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=CaseStatus.ASSESSING,
        target=CaseStatus.CLOSED,
        permission=PRACTITIONER,
        conditions=[assessed_not_eligible],
        custom={"label": "Close: no eligible need", "closes": ["assessment_complete"]},
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
            "label": "Start support",
            "opens": [DeadlineRule("annual_review", due.annual_review)],
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
        custom={"label": "Begin the review", "closes": ["annual_review"]},
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
            "label": "Complete the review",
            "opens": [DeadlineRule("annual_review", due.annual_review)],
        },
    )
    def complete_review(self, *, by: Any, on: dt.date, note: str) -> None:
        self.reviews.filter(decision_on__isnull=True).update(decision_on=on)

    @transition(
        field=status,
        source=CaseStatus.ACTIVE,
        target=CaseStatus.PREPARING_FOR_ADULTHOOD,
        permission=PRACTITIONER,
        conditions=[aged_14_or_over],
        custom={"label": "Begin preparing for adulthood"},
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
            "label": "Transfer to adult services",
            "params": {"handover_on": due.date_field("Enter the handover date.")},
            "closes": ["annual_review"],
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
            "label": "Close the case",
            "params": REASON,
            "closes": ["referral_decision", "assessment_complete", "annual_review"],
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
        custom={"label": "Reopen the case", "params": REASON},
    )
    def reopen(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.closed_on = None
        self.closure_reason = ""


class ReferralSource(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    SCHOOL = "school", "School or college"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital"
    CAMHS = "camhs", "CAMHS"
    OTHER_LA = "other_la", "Another local authority"
    SELF = "self", "The young person"


class Referral(models.Model):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="referral")
    received_on = models.DateField()
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    reason = models.TextField()
    consent_to_share = models.BooleanField(
        help_text="Consent to share information between education, health and social care."
    )
    consent_recorded_on = models.DateField(null=True, blank=True)
    consent_given_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Referral of {self.received_on:%d %b %Y} ({self.get_source_display()})"


class AssessmentOutcome(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible for specialist support"
    SIGNPOST = "signpost", "Signpost to targeted services"
    NO_ELIGIBLE_NEED = "no_eligible_need", "No eligible need"


class Assessment(models.Model):
    """The child-and-family assessment (Children Act 1989 section 17)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    summary_of_needs = models.TextField(blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"Assessment started {self.started_on:%d %b %Y}"


class PlanStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ASSESSING = "assessing", "Needs assessment under way"
    REFUSED = "refused", "Refused to assess"
    DRAFT = "draft", "Draft plan issued"
    NOT_ISSUED = "not_issued", "Decided not to issue"
    FINAL = "final", "Final plan issued"
    UNDER_REVIEW = "under_review", "Under review"
    CEASED = "ceased", "Ceased"


CLOSED_PLAN_STATES = {PlanStatus.REFUSED, PlanStatus.NOT_ISSUED, PlanStatus.CEASED}


class RequestedBy(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "The young person"
    SCHOOL = "school", "School or college"
    HEALTH = "health", "Health professional"
    SOCIAL_CARE = "social_care", "Social care"
    OTHER = "other", "Someone else"


class PhaseTransfer(models.TextChoices):
    SCHOOL = "school", "Between schools (for example primary to secondary)"
    POST_16 = "post_16", "From secondary school to post-16 education"


SECTIONS = [
    ("section_a", "A", "The views, interests and aspirations of the child and family"),
    ("section_b", "B", "Special educational needs"),
    ("section_c", "C", "Health needs related to the special educational needs"),
    ("section_d", "D", "Social care needs"),
    ("section_e", "E", "Outcomes"),
    ("section_f", "F", "Special educational provision"),
    ("section_g", "G", "Health provision"),
    (
        "section_h1",
        "H1",
        "Social care provision under the Chronically Sick and Disabled Persons Act",
    ),
    ("section_h2", "H2", "Other social care provision"),
    ("section_i", "I", "Placement"),
    ("section_j", "J", "Personal budget"),
    ("section_k", "K", "Advice and information"),
]


@condition("Sections B (needs), E (outcomes) and F (provision) must be written first.")
def core_sections_written(plan: EHCPlan) -> bool:
    return all(getattr(plan, name).strip() for name in ("section_b", "section_e", "section_f"))


@condition(
    "The family's 15 days to comment on the draft have not ended and they have not commented."
)
def comment_period_over(plan: EHCPlan) -> bool:
    if plan.family_comments_received_on is not None:
        return True
    return plan.draft_issued_on is not None and clock.today() > due.family_comments(
        plan, plan.draft_issued_on
    )


@condition("No review meeting has been recorded: add the review first.")
def review_meeting_recorded(plan: EHCPlan) -> bool:
    return plan.reviews.filter(meeting_on__isnull=False, decision_on__isnull=True).exists()


class EHCPlan(FSMModelMixin, models.Model):
    """An Education, Health and Care plan, from the request for a needs assessment onwards.

    requested ─agree_to_assess→ assessing ─issue_draft→ draft ─issue_final→ final
    requested ─refuse_to_assess→ refused;  assessing ─decide_not_to_issue→ not_issued
    final ─start_review→ under_review ─maintain→ final | ─amend→ draft | ─cease→ ceased
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    status = FSMField(default=PlanStatus.REQUESTED, choices=PlanStatus.choices, protected=True)
    requested_on = models.DateField()
    requested_by = models.CharField(max_length=20, choices=RequestedBy.choices)
    assessment_decision_on = models.DateField(null=True, blank=True)
    draft_issued_on = models.DateField(null=True, blank=True)
    family_comments_received_on = models.DateField(null=True, blank=True)
    family_comments = models.TextField(blank=True)
    first_final_issued_on = models.DateField(null=True, blank=True)
    last_final_issued_on = models.DateField(null=True, blank=True)
    being_amended = models.BooleanField(default=False)
    decision_reason = models.TextField(blank=True)
    exception_reason = models.TextField(blank=True)
    placement_name = models.CharField(max_length=200, blank=True)
    phase_transfer_on = models.DateField(null=True, blank=True)
    phase_transfer = models.CharField(max_length=10, choices=PhaseTransfer.choices, blank=True)
    section_a = models.TextField(blank=True)
    section_b = models.TextField(blank=True)
    section_c = models.TextField(blank=True)
    section_d = models.TextField(blank=True)
    section_e = models.TextField(blank=True)
    section_f = models.TextField(blank=True)
    section_g = models.TextField(blank=True)
    section_h1 = models.TextField(blank=True)
    section_h2 = models.TextField(blank=True)
    section_i = models.TextField(blank=True)
    section_j = models.TextField(blank=True)
    section_k = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = "EHC plan"

    def __str__(self) -> str:
        return f"EHC plan for {self.child} (requested {self.requested_on:%d %b %Y})"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_PLAN_STATES

    @transition(
        field=status,
        source=PlanStatus.REQUESTED,
        target=PlanStatus.ASSESSING,
        permission=TEAM_MANAGER,
        custom={
            "notify": [plan_decision_letter("agree_to_assess")],
            "label": "Agree to assess",
            "closes": ["decision_to_assess"],
            "opens": [DeadlineRule("decision_not_to_issue", due.decision_not_to_issue)],
        },
    )
    def agree_to_assess(self, *, by: Any, on: dt.date, note: str) -> None:
        self.assessment_decision_on = on

    @transition(
        field=status,
        source=PlanStatus.REQUESTED,
        target=PlanStatus.REFUSED,
        permission=TEAM_MANAGER,
        custom={
            "notify": [plan_decision_letter("refuse_to_assess")],
            "label": "Refuse to assess",
            "params": REASON,
            "closes": ["decision_to_assess", "final_plan"],
        },
    )
    def refuse_to_assess(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.assessment_decision_on = on
        self.decision_reason = reason

    @transition(
        field=status,
        source=PlanStatus.ASSESSING,
        target=PlanStatus.DRAFT,
        permission=PRACTITIONER,
        conditions=[core_sections_written],
        custom={
            "notify": [plan_decision_letter("issue_draft")],
            "label": "Issue the draft plan",
            "closes": [Satisfied("decision_not_to_issue")],
            "opens": [DeadlineRule("family_comments", due.family_comments)],
        },
    )
    def issue_draft(self, *, by: Any, on: dt.date, note: str) -> None:
        self.draft_issued_on = on
        self.family_comments_received_on = None
        self.family_comments = ""

    @transition(
        field=status,
        source=PlanStatus.ASSESSING,
        target=PlanStatus.NOT_ISSUED,
        permission=TEAM_MANAGER,
        custom={
            "notify": [plan_decision_letter("decide_not_to_issue")],
            "label": "Decide not to issue a plan",
            "params": REASON,
            "closes": ["decision_not_to_issue", "final_plan"],
        },
    )
    def decide_not_to_issue(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decision_reason = reason

    @transition(
        field=status,
        source=PlanStatus.DRAFT,
        target=PlanStatus.FINAL,
        permission=TEAM_MANAGER,
        conditions=[core_sections_written, comment_period_over],
        custom={
            "notify": [plan_decision_letter("issue_final")],
            "label": "Issue the final plan",
            "closes": [
                "final_plan",
                "amended_final",
                "phase_transfer",
                Satisfied("family_comments"),
            ],
            "opens": [
                DeadlineRule("annual_review", due.annual_review),
                DeadlineRule("phase_transfer", due.phase_transfer),
            ],
        },
    )
    def issue_final(self, *, by: Any, on: dt.date, note: str) -> None:
        if self.first_final_issued_on is None:
            self.first_final_issued_on = on
        self.last_final_issued_on = on
        self.being_amended = False

    @transition(
        field=status,
        source=PlanStatus.FINAL,
        target=PlanStatus.UNDER_REVIEW,
        permission=PRACTITIONER,
        conditions=[review_meeting_recorded],
        custom={
            "label": "Hold the review meeting",
            "closes": ["annual_review"],
            "opens": [
                DeadlineRule("review_report", due.review_report),
                DeadlineRule("review_decision", due.review_decision),
            ],
        },
    )
    def start_review(self, *, by: Any, on: dt.date, note: str) -> None:
        pass

    @transition(
        field=status,
        source=PlanStatus.UNDER_REVIEW,
        target=PlanStatus.FINAL,
        permission=TEAM_MANAGER,
        custom={
            "label": "Maintain the plan",
            "closes": ["review_decision"],
            "opens": [
                DeadlineRule("annual_review", due.annual_review),
                DeadlineRule("phase_transfer", due.phase_transfer),
            ],
        },
    )
    def maintain(self, *, by: Any, on: dt.date, note: str) -> None:
        self.reviews.filter(decision_on__isnull=True).update(
            decision_on=on, outcome=ReviewOutcome.MAINTAIN
        )

    @transition(
        field=status,
        source=PlanStatus.UNDER_REVIEW,
        target=PlanStatus.DRAFT,
        permission=TEAM_MANAGER,
        custom={
            "label": "Amend the plan",
            "closes": ["review_decision"],
            "opens": [DeadlineRule("amended_final", due.amended_final)],
        },
    )
    def amend(self, *, by: Any, on: dt.date, note: str) -> None:
        self.being_amended = True
        self.draft_issued_on = on
        self.family_comments_received_on = None
        self.family_comments = ""
        self.reviews.filter(decision_on__isnull=True).update(
            decision_on=on, outcome=ReviewOutcome.AMEND
        )

    @transition(
        field=status,
        source=PlanStatus.UNDER_REVIEW,
        target=PlanStatus.CEASED,
        permission=TEAM_MANAGER,
        custom={
            "label": "Cease the plan",
            "params": REASON,
            "closes": ["review_decision", "review_report", "phase_transfer"],
        },
    )
    def cease(self, *, by: Any, on: dt.date, note: str, reason: str) -> None:
        self.decision_reason = reason
        self.reviews.filter(decision_on__isnull=True).update(
            decision_on=on, outcome=ReviewOutcome.CEASE
        )


class ReviewOutcome(models.TextChoices):
    MAINTAIN = "maintain", "Maintain the plan"
    AMEND = "amend", "Amend the plan"
    CEASE = "cease", "Cease the plan"


class Review(models.Model):
    """An annual (or, under 5, six-monthly) review of an EHC plan or of a case's support plan."""

    plan = models.ForeignKey(
        EHCPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    due_on = models.DateField(null=True, blank=True)
    meeting_on = models.DateField(null=True, blank=True)
    report_sent_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-meeting_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, case__isnull=True)
                | Q(plan__isnull=True, case__isnull=False),
                name="review_of_a_plan_or_a_case",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan or self.case}"

    @property
    def child(self) -> Child:
        subject = self.plan or self.case
        if subject is None:
            raise ValueError("A review belongs to a plan or a case.")
        return subject.child


class AccessLog(models.Model):
    """Who on the staff read which child-level record, and when (DESIGN §9)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_reads"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reads")
    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(
        max_length=10, choices=[("api", "API"), ("page", "Page"), ("export", "Export")]
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "at"], name="access_child_at")]

    def __str__(self) -> str:
        return f"{self.user} read {self.record_type} {self.record_id}"
