"""Who answers for a child's deadlines: the plan's case officer and the case's lead professional
(DESIGN §5 Owners). Changing either moves the owner of the running deadlines it answers for."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import deadlines as due
from casework.models import Case, Child, EHCPlan
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Deadline
from workflows.outbox import notify_one
from workflows.services import audit, deadlines_reassign

# A closed case is reopened (it goes back to referred) before anybody works on it again.
CLOSED_NOT_ALLOCATED = "This case is closed, so it cannot be allocated. Reopen the case first."
MANAGERS_ALLOCATE = "Only a team manager of the child's team can allocate the case."


def _check_staff_of_team(person: User, team_id: int, field: str) -> None:
    if not person.is_active or not any(person.has_role(role) for role in STAFF_ROLES):
        raise InvalidParams({field: ["Choose a practitioner or team manager."]})
    if not person.memberships.filter(team_id=team_id).exists():
        raise InvalidParams({field: ["Choose someone in the child's team."]})


@transaction.atomic
def plan_change_case_officer(*, by: User, plan: EHCPlan, case_officer: User) -> EHCPlan:
    """A team manager names another case officer; the plan's running deadlines move to them
    unless a case's lead professional answers for them."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can change the case officer.")
    locked = (
        EHCPlan.objects.select_for_update(of=("self",))
        .select_related("child", "case")
        .get(pk=plan.pk)
    )
    _check_staff_of_team(case_officer, locked.child.team_id, "case_officer")
    if locked.case_officer_id == case_officer.pk:
        return locked
    previous = locked.case_officer_id
    locked.case_officer = case_officer
    locked.save(update_fields=["case_officer"])
    audit(
        locked,
        "change_case_officer",
        by=by,
        case_id=locked.case_id,
        params={"from": previous, "to": case_officer.pk},
    )
    deadlines_reassign(
        Deadline.objects.for_subject(locked),
        owner_id=due.lead_professional_or_case_officer(locked),
        by=by,
        reason="The case officer changed.",
    )
    return locked


@transaction.atomic
def case_change_lead_professional(*, by: User, case: Case, lead_professional: User) -> Case:
    """A team manager of the case's team allocates the case, or reassigns it, to a practitioner
    or manager of that team; the running deadlines of the case and of its plans move to them."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can change the lead professional.")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not by.memberships.filter(team_id=locked.team_id).exists():
        raise NotPermitted(MANAGERS_ALLOCATE)
    if not locked.is_open:
        raise TransitionNotAllowed(CLOSED_NOT_ALLOCATED)
    _check_staff_of_team(lead_professional, locked.team_id, "lead_professional")
    if locked.lead_professional_id == lead_professional.pk:
        return locked
    previous = locked.lead_professional_id
    locked.lead_professional = lead_professional
    locked.save(update_fields=["lead_professional"])
    audit(
        locked,
        "change_lead_professional",
        by=by,
        case_id=locked.pk,
        params={"from": previous, "to": lead_professional.pk},
    )
    # The case's own, its plans' and those of the records above casework filed on the case (a
    # budget's reviews): the lead professional answers for all of them.
    plans = EHCPlan.objects.filter(case=locked).values("pk")
    deadlines_reassign(
        Deadline.objects.filter(
            Q(case_id=locked.pk)
            | Q(subject_type=ContentType.objects.get_for_model(EHCPlan), subject_id__in=plans)
        ),
        owner_id=lead_professional.pk,
        by=by,
        reason="The lead professional changed.",
    )
    if lead_professional.pk != by.pk:
        child = Child.objects.only("given_name", "family_name").get(pk=locked.child_id)
        notify_one(
            recipient=lead_professional,
            kind="allocation",
            subject=f"Case allocated to you: {child.full_name}",
            body=f"{by.get_full_name()} has allocated {child.full_name}'s case to you. Its "
            "running deadlines, and its plans', are now yours.",
            link=reverse("casework:case", args=[locked.pk]),
        )
    return locked
