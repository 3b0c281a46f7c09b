"""Recording disagreements over an EHC plan, the family's appeal date, and the council's steps
after a Tribunal order or a concession (DESIGN §5 "Appeals"; SEND Regulations 2014 regs 32-45).

Every writer is atomic and takes the acting user as `by=`. Deadlines change only through
`workflows.deadlines`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from casework.deadlines.disputes import MEDIATION_ARRANGED, TRIBUNAL_ORDER
from casework.models import (
    Dispute,
    DisputeAbout,
    DisputeKind,
    EHCPlan,
    TribunalOrder,
    TribunalOrderStep,
)
from workflows import bounds, clock
from workflows.audit import audit
from workflows.deadlines import deadlines_close, deadlines_not_required, deadlines_open
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Deadline, TransitionLog

APPEAL_MONTHS = 2
AFTER_CERTIFICATE_MONTHS = 1

# The plan's steps with a right of appeal to the First-tier Tribunal (Children and Families Act
# 2014 s51(2)), and which SEN2 column a dispute about each belongs to. `amend` is not here: the
# amendment notice is a proposal, and the appealable decision is the amended plan's issue.
APPEALABLE = {
    "refuse_to_assess": DisputeAbout.REQUEST,
    "decide_not_to_issue": DisputeAbout.ASSESSMENT,
    "issue_final": DisputeAbout.ASSESSMENT,
    "maintain": DisputeAbout.OTHER,
    "cease": DisputeAbout.OTHER,
}
NEEDS_ORDER = {DisputeKind.TRIBUNAL_DECISION, DisputeKind.CONCESSION}
# A request for mediation is over when the mediation is held, or when the adviser issues the
# certificate without it (the family chose not to go on, or it could not be arranged in time).
MEDIATION_ENDS = (DisputeKind.MEDIATION_HELD, DisputeKind.MEDIATION_CERTIFICATE)


@dataclass(frozen=True)
class OrderStep:
    step: str
    label: str
    weeks: int
    closed_by: tuple[str, ...] = ()
    not_required_by: tuple[str, ...] = ()


def _after_assessment(what: str) -> tuple[OrderStep, ...]:
    # reg 44(2)(b) and reg 45(3), (3A): the three limits of an assessment or re-assessment.
    return (
        OrderStep("notify", f"Tell the family the {what} will go ahead", 2, ("agree_to_assess",)),
        OrderStep(
            "not_to_issue",
            f"If no plan is needed after the {what}, tell the family why",
            10,
            ("decide_not_to_issue",),
            ("issue_draft",),
        ),
        OrderStep(
            "final_after_assessment",
            f"Send the final plan after the {what}",
            14,
            ("issue_final",),
            ("decide_not_to_issue",),
        ),
    )


# What each order requires, and by when (SEND Regs 2014 reg 44(2); reg 45 as substituted by SI
# 2015/359 reg 8, whose limits are the same counted from the council's notice to the Tribunal).
ORDER_STEPS: dict[str, tuple[OrderStep, ...]] = {
    TribunalOrder.ASSESS: _after_assessment("assessment"),
    TribunalOrder.REASSESS: _after_assessment("re-assessment"),
    TribunalOrder.MAKE_PLAN: (
        OrderStep("draft", "Issue the draft plan", 5, ("issue_draft",)),
        OrderStep("final", "Send the final plan", 11, ("issue_final",)),
    ),
    TribunalOrder.AMEND: (OrderStep("amended", "Issue the amended plan", 5, ("issue_final",)),),
    TribunalOrder.NAME_SCHOOL: (
        OrderStep("school", "Issue the plan naming the school or college", 2, ("issue_final",)),
    ),
    TribunalOrder.CEASE: (OrderStep("maintain", "Continue to maintain the plan", 0),),
}
STEPS = {item.step: item for steps in ORDER_STEPS.values() for item in steps}


# The family's appeal date ----------------------------------------------------------------------


def appeal_by(decided_on: dt.date, certificate_on: dt.date | None = None) -> dt.date:
    """The family's last day to appeal: 2 months after the decision letter, or 1 month after the
    mediation certificate if that is later (Tribunal Procedure (First-tier Tribunal) (HESC) Rules
    2008 r20(1)(c)). Calendar months, rolling back at a month end; never moved for a weekend."""
    last = clock.add_months(decided_on, APPEAL_MONTHS)
    if certificate_on is not None:
        last = max(last, clock.add_months(certificate_on, AFTER_CERTIFICATE_MONTHS))
    return last


def plan_appeal_decided(*, plan: EHCPlan, decided_on: dt.date) -> None:
    """An appealable decision was sent on `decided_on`: the family's appeal date starts again.

    The one entry point for every appealable decision; a decision recorded outside the plan's
    machine (a refused re-assessment) calls it in its own transaction."""
    plan.appeal_decision_on = decided_on
    plan.appeal_by = appeal_by(decided_on)
    EHCPlan.objects.filter(pk=plan.pk).update(
        appeal_decision_on=plan.appeal_decision_on, appeal_by=plan.appeal_by
    )


def appealable_decision(plan: EHCPlan, *, by: Any, on: dt.date) -> None:
    """Effect hooked on each appealable step of the plan (`casework.dispute_machines`)."""
    plan_appeal_decided(plan=plan, decided_on=on)


@dataclass(frozen=True)
class OrderStepsTaken:
    """Effect hooked on a plan step: closes the order steps it carries out, and sets aside the
    ones it makes moot (a plan drafted needs no "no plan needed" notice).

    The child's orders, not only this plan's: after an order to assess a refused request, the
    assessment runs on the new request the council records for the child."""

    transition: str

    def __call__(self, plan: EHCPlan, *, by: Any, on: dt.date) -> None:
        steps = TribunalOrderStep.objects.filter(dispute__plan__child_id=plan.child_id)
        closes = [item.step for item in STEPS.values() if self.transition in item.closed_by]
        moot = [item.step for item in STEPS.values() if self.transition in item.not_required_by]
        for step in steps.filter(step__in=closes):
            deadlines_close(step, (TRIBUNAL_ORDER,), on=on, by=self.transition)
        for step in steps.filter(step__in=moot):
            deadlines_not_required(step, (TRIBUNAL_ORDER,), on=on, by=self.transition)


# Recording a dispute ---------------------------------------------------------------------------


def _last(disputes: list[Dispute], kind: str) -> Dispute | None:
    found = [item for item in disputes if item.kind == kind]
    return found[-1] if found else None


def _waiting(disputes: list[Dispute], opened: str, ended: tuple[str, ...]) -> Dispute | None:
    """The latest `opened` record with no `ended` record after it."""
    start = _last(disputes, opened)
    if start is None:
        return None
    later = [item for item in disputes if item.kind in ended and item.on >= start.on]
    later = [item for item in later if (item.on, item.pk) > (start.on, start.pk)]
    return None if later else start


def _about(plan: EHCPlan) -> str:
    """Which decision the plan's current dispute is about, from its last appealable step."""
    logs = TransitionLog.objects.filter(
        subject_type=ContentType.objects.get_for_model(EHCPlan),
        subject_id=plan.pk,
        transition__in=list(APPEALABLE),
    ).order_by("-effective_on", "-pk")
    last = logs.values_list("transition", flat=True).first()
    if last is None:
        return DisputeAbout.OTHER
    if last == "issue_final" and logs.filter(transition="issue_final").count() > 1:
        return DisputeAbout.OTHER
    return APPEALABLE[last]


def _clean(kind: str, on: Any, order: str | None) -> tuple[str, dt.date, str]:
    errors: dict[str, list[str]] = {}
    if kind not in DisputeKind.values:
        errors["kind"] = ["Choose what happened."]
    if not isinstance(on, dt.date):
        errors["on"] = ["Enter the date it happened."]
    elif on > clock.today():
        errors["on"] = ["The date cannot be in the future."]
    elif (out_of_bounds := bounds.date_out_of_bounds(on)) is not None:
        errors["on"] = [out_of_bounds]
    order = order or ""
    if kind in NEEDS_ORDER and order not in TribunalOrder.values:
        errors["order"] = ["Choose what the council must do."]
    elif kind in DisputeKind.values and kind not in NEEDS_ORDER and order:
        errors["order"] = ["Only a Tribunal decision or a concession has an order."]
    if errors:
        raise InvalidParams(errors)
    return kind, on, order


def _refusal(plan: EHCPlan, disputes: list[Dispute], kind: str, on: dt.date) -> Dispute | None:
    """Check the order of events; returns the record this one follows, if any."""
    decided = plan.appeal_decision_on
    if kind in (DisputeKind.MEDIATION_HELD,):
        request = _waiting(disputes, DisputeKind.MEDIATION_REQUESTED, (kind,))
        if request is None:
            raise TransitionNotAllowed("No request for mediation is waiting: record it first.")
        return request
    if kind in NEEDS_ORDER:
        appeal = _waiting(disputes, DisputeKind.APPEAL_REGISTERED, tuple(NEEDS_ORDER))
        if appeal is None:
            raise TransitionNotAllowed("No appeal is waiting for a decision: record it first.")
        return appeal
    if decided is None:
        raise TransitionNotAllowed(
            "There is no decision on this plan that the family can appeal against yet."
        )
    if kind == DisputeKind.MEDIATION_REQUESTED:
        waiting = _waiting(disputes, kind, MEDIATION_ENDS)
        if waiting is not None:
            raise TransitionNotAllowed(
                f"Mediation was asked for on {waiting.on:%-d %B %Y} and has not been held yet: "
                "record the mediation or the certificate first."
            )
    if kind == DisputeKind.APPEAL_REGISTERED:
        waiting = _waiting(disputes, kind, tuple(NEEDS_ORDER))
        if waiting is not None:
            raise TransitionNotAllowed(
                f"An appeal registered on {waiting.on:%-d %B %Y} is still waiting for a decision."
            )
    return None


def _not_before(on: dt.date, earlier: dt.date | None, what: str) -> None:
    if earlier is not None and on < earlier:
        raise InvalidParams({"on": [f"The date cannot be before {what}, on {earlier:%-d %B %Y}."]})


def _mediation_ended_without_meeting(plan: EHCPlan, on: dt.date) -> None:
    """A certificate with no mediation held ends the council's 30 days: missed if it comes after
    them (the council did not arrange it in time), otherwise no longer required (the family chose
    not to go on). A missed one stays missed."""
    running = Deadline.objects.for_subject(plan).running().of_kind(MEDIATION_ARRANGED)
    if running.filter(due_on__lt=on).exists():
        deadlines_close(plan, (MEDIATION_ARRANGED,), on=on, by=DisputeKind.MEDIATION_CERTIFICATE)
    else:
        deadlines_not_required(
            plan, (MEDIATION_ARRANGED,), on=on, by=DisputeKind.MEDIATION_CERTIFICATE
        )


@transaction.atomic
def dispute_record(
    *,
    by: User,
    plan: EHCPlan,
    kind: str,
    on: Any,
    order: str | None = None,
    notes: str = "",
) -> Dispute:
    """Record a step of a disagreement over the plan, in the order the law sets: mediation
    requested, then held; a certificate; an appeal, then the Tribunal's decision or a concession.
    """
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can record mediation and appeals.")
    kind, on, order = _clean(kind, on, order)
    locked = EHCPlan.objects.select_for_update().get(pk=plan.pk)
    disputes = list(locked.disputes.order_by("on", "pk"))
    follows = _refusal(locked, disputes, kind, on)
    if follows is not None:
        _not_before(on, follows.on, f"the record “{follows.get_kind_display()}”")
    else:
        _not_before(on, locked.appeal_decision_on, "the decision")
    dispute = Dispute.objects.create(
        plan=locked,
        kind=kind,
        on=on,
        order=order,
        about=follows.about if follows is not None else _about(locked),
        notes=notes,
        recorded_by=by,
    )
    if kind == DisputeKind.MEDIATION_REQUESTED:
        deadlines_open(locked, (MEDIATION_ARRANGED,), on=on, by=kind)
    elif kind == DisputeKind.MEDIATION_HELD:
        deadlines_close(locked, (MEDIATION_ARRANGED,), on=on, by=kind)
    elif kind == DisputeKind.MEDIATION_CERTIFICATE:
        _mediation_ended_without_meeting(locked, on)
        if locked.appeal_decision_on is not None:
            new_date = appeal_by(locked.appeal_decision_on, on)
            EHCPlan.objects.filter(pk=locked.pk).update(appeal_by=new_date)
    elif kind in NEEDS_ORDER:
        for item in ORDER_STEPS[order]:
            step = TribunalOrderStep.objects.create(
                dispute=dispute, step=item.step, label=item.label, weeks=item.weeks
            )
            deadlines_open(step, (TRIBUNAL_ORDER,), on=on, by=kind)
    audit(
        dispute,
        f"dispute_{kind}",
        by=by,
        note=notes,
        case_id=locked.case_id,
        params={"on": on.isoformat(), "order": order},
    )
    return dispute


@transaction.atomic
def order_step_done(*, by: User, step: TribunalOrderStep, on: Any) -> TribunalOrderStep:
    """Record a step of an order taken outside the plan's own steps (a ceased plan maintained
    again, an assessment begun on a refused request): its deadline closes, met or missed."""
    if not by.has_role(Role.TEAM_MANAGER):
        raise NotPermitted("Only a team manager can record a step of a Tribunal order.")
    if not isinstance(on, dt.date):
        raise InvalidParams({"on": ["Enter the date the step was taken."]})
    if on > clock.today():
        raise InvalidParams({"on": ["The date cannot be in the future."]})
    _not_before(on, step.dispute.on, "the order")
    running = Deadline.objects.for_subject(step).running().of_kind(TRIBUNAL_ORDER)
    if not running.exists():
        raise TransitionNotAllowed("This step has already been taken or is no longer needed.")
    deadlines_close(step, (TRIBUNAL_ORDER,), on=on, by="order_step_done")
    audit(
        step.dispute,
        "order_step_done",
        by=by,
        case_id=step.dispute.plan.case_id,
        params={"step": step.step, "on": on.isoformat()},
    )
    return step
