"""Casework reads, always scoped to what the user may see (DESIGN §9).

Staff (practitioners and team managers) see their teams' children and everything about them; a
family login sees only the children it is linked to; a professional from another agency sees the
children whose team around the child they are in (`children_of_professional`), and only through
the reads that say so (`children_readable_by`); everyone else sees nothing here.
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case as DbCase
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from accounts.models import Professional, User
from accounts.roles import STAFF_ROLES, Role
from casework.models import (
    AccessLog,
    Case,
    CaseNote,
    CaseStatus,
    Child,
    Consent,
    Document,
    EHCPlan,
    FamilyMember,
    NoteVisibility,
    Review,
    TeamMember,
    TeamPart,
)
from casework.models.advice import AdviceRequest, AdviceStatus, Reassessment, Transfer
from casework.team_reads import consents_standing as consents_standing
from casework.team_reads import key_worker_of as key_worker_of
from workflows import clock
from workflows.models import Deadline, DeadlineQuerySet, TransitionLog
from workflows.registry import registry


def is_staff_member(user: User) -> bool:
    return bool(user.is_authenticated) and any(user.has_role(role) for role in STAFF_ROLES)


def children_visible_to(user: User) -> QuerySet[Child]:
    if not user.is_authenticated:
        return Child.objects.none()
    if is_staff_member(user):
        return Child.objects.filter(team__memberships__user=user)
    if user.has_role(Role.FAMILY):
        return Child.objects.filter(
            Exists(FamilyMember.objects.filter(child=OuterRef("pk"), user=user))
        )
    return Child.objects.none()


def is_professional(user: User) -> bool:
    return bool(user.is_authenticated) and user.has_role(Role.PROFESSIONAL)


def professional_of(user: User) -> Professional | None:
    """The user's professional profile (organisation and profession), or None."""
    if not is_professional(user):
        return None
    cached: Professional | None = getattr(user, "_professional_cache", None)
    if cached is None:
        cached = Professional.objects.select_related("organisation").filter(user=user).first()
        user._professional_cache = cached  # type: ignore[attr-defined]
    return cached


def consent_standing(agency: str, *, on: dt.date) -> Exact[bool]:
    """True for a child (the outer query's row) whose latest consent for `agency` on `on` is
    given: a withdrawal recorded today counts from today (DESIGN §3 "takes effect at once")."""
    latest = Consent.objects.filter(child=OuterRef("pk"), agency=agency, on__lte=on).order_by(
        "-on", "-id"
    )
    return Exact(Subquery(latest.values("given")[:1]), True)


def _professional_children(user: User, *, with_statutory_advice: bool) -> QuerySet[Child]:
    profile = professional_of(user)
    if profile is None:
        return Child.objects.none()
    today = clock.today()
    # `pk__in` the user's own rows (indexed by user) rather than a correlated EXISTS per child:
    # the planner starts from their few children instead of testing every child in the council.
    member = Q(pk__in=TeamMember.objects.current(today).filter(user=user).values("child_id"))
    asked = AdviceRequest.objects.filter(adviser=user)
    consent = consent_standing(profile.organisation.consent_agency, on=today)
    shared = Q(member | Q(pk__in=asked.values("plan__child_id")), consent)
    if not with_statutory_advice:
        return Child.objects.filter(shared)
    requested = asked.filter(status=AdviceStatus.REQUESTED).values("plan__child_id")
    return Child.objects.filter(shared | Q(pk__in=requested))


def children_shared_with_professional(user: User) -> QuerySet[Child]:
    """The children whose team's shared record (case notes, the chronology, the team, the
    parents' contact details) a professional reads: while they are in the child's team, or have
    advised on the child's assessment, and the family's consent for their agency stands (DESIGN
    §3). Withdrawal takes effect on the next request."""
    return _professional_children(user, with_statutory_advice=False)


def children_of_professional(user: User) -> QuerySet[Child]:
    """The children a professional may see (DESIGN §3, §9): those shared with them
    (`children_shared_with_professional`), and those whose advice they have been asked for and
    not yet given. A request for advice under reg 6(1) of the SEND Regulations 2014 is the law's
    own requirement, so it does not wait on the family's consent: while it is open the adviser
    sees the child, the plan and their request, but not what the team shares only with consent.
    Once the advice is given, consent decides again."""
    return _professional_children(user, with_statutory_advice=True)


def children_readable_by(user: User) -> QuerySet[Child]:
    """The children whose summary, case, plan and reviews the user may read: staff and families
    as `children_visible_to`, professionals as `children_of_professional`. Budgets, ledgers,
    bookings and statements stay with `children_visible_to`, which no professional passes."""
    if is_professional(user) and not is_staff_member(user):
        return children_of_professional(user)
    return children_visible_to(user)


def children_shared_with(user: User) -> QuerySet[Child]:
    """The children whose shared record (notes, chronology, team, consents, parents' contact
    details) the user may read: a professional's only with consent (reg 6 gives no more)."""
    if is_professional(user) and not is_staff_member(user):
        return children_shared_with_professional(user)
    return children_visible_to(user)


def case_notes_visible_to(user: User) -> QuerySet[CaseNote]:
    """Staff of the child's team read every note; a professional who sees the child, the notes
    shared with the team; the family, the notes shared with them (DESIGN §9)."""
    if is_staff_member(user):
        return CaseNote.objects.filter(child__in=children_visible_to(user))
    if is_professional(user):
        return CaseNote.objects.filter(
            child__in=children_shared_with_professional(user),
            visibility__in=[NoteVisibility.TEAM, NoteVisibility.FAMILY],
        )
    return CaseNote.objects.filter(
        child__in=children_visible_to(user), visibility=NoteVisibility.FAMILY
    )


def cases_visible_to(user: User) -> QuerySet[Case]:
    if is_staff_member(user):
        return Case.objects.filter(team__memberships__user=user)
    return Case.objects.filter(child__in=children_visible_to(user))


def staff_cases_visible_to(user: User) -> QuerySet[Case]:
    """Cases for records families do not see (referrals, assessments): professionals' notes."""
    return cases_visible_to(user) if is_staff_member(user) else Case.objects.none()


def plans_visible_to(user: User) -> QuerySet[EHCPlan]:
    return EHCPlan.objects.filter(child__in=children_visible_to(user))


def reviews_visible_to(user: User) -> QuerySet[Review]:
    children = children_visible_to(user)
    return Review.objects.filter(Q(plan__child__in=children) | Q(case__child__in=children))


def family_members_visible_to(user: User) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(child__in=children_visible_to(user))


def cases_readable_by(user: User) -> QuerySet[Case]:
    """The cases whose summary the user may read: a professional's children's as well."""
    if is_professional(user) and not is_staff_member(user):
        return Case.objects.filter(child__in=children_of_professional(user))
    return cases_visible_to(user)


def plans_readable_by(user: User) -> QuerySet[EHCPlan]:
    return EHCPlan.objects.filter(child__in=children_readable_by(user))


def reviews_readable_by(user: User) -> QuerySet[Review]:
    children = children_readable_by(user)
    return Review.objects.filter(Q(plan__child__in=children) | Q(case__child__in=children))


def family_members_readable_by(user: User, child: Child) -> QuerySet[FamilyMember]:
    """A child's family members as the user may list them: a professional sees the parents and
    carers only, to contact them (DESIGN §9); the rest of the family is not theirs to know."""
    members = child.family_members.order_by("pk")
    if is_professional(user) and not is_staff_member(user):
        if not children_shared_with_professional(user).filter(pk=child.pk).exists():
            return members.none()  # an adviser under reg 6 alone, without the family's consent
        return members.filter(has_parental_responsibility=True)
    return members


def _child_of(lookups: tuple[str, ...], children: QuerySet[Child]) -> Q:
    return reduce(or_, (Q(**{f"{lookup}__in": children}) for lookup in lookups))


def deadlines_visible_to(user: User, *, child_id: int | None = None) -> DeadlineQuerySet:
    """Deadlines on every record of the children the user may see — cases, plans, reviews, and
    the records of the apps above casework (budgets, packages) through their machines'
    `child_lookups` — in one query; with `child_id`, that child's alone."""
    children = children_visible_to(user)
    if child_id is not None:
        children = children.filter(pk=child_id)
    return _deadlines_of_children(children)


# The deadlines of a plan's review (s44, reg 20): what a setting convening the review works to.
REVIEW_DEADLINE_KINDS = ("annual_review", "under_five_review", "review_report", "review_decision")


def deadlines_of_professional(user: User, *, child_id: int | None = None) -> DeadlineQuerySet:
    """A professional's own deadlines (DESIGN §9 "their own advice and reviews"): the `advice`
    deadline of each request they were asked to answer, and the review deadlines of the
    children they see whose review they convene today. Nothing of the council's own work."""
    if professional_of(user) is None:
        return Deadline.objects.none()
    requests = AdviceRequest.objects.filter(adviser=user)
    # `pk__in` rather than a correlated EXISTS: the planner starts from the user's few team
    # rows (indexed) instead of testing every child, and this set is read once per machine.
    convened = children_of_professional(user).filter(
        pk__in=TeamMember.objects.current(clock.today())
        .filter(user=user, part=TeamPart.REVIEW_CONVENER)
        .values("child_id")
    )
    if child_id is not None:
        requests = requests.filter(plan__child_id=child_id)
        convened = convened.filter(pk=child_id)
    advice = Q(
        kind="advice",
        subject_type=ContentType.objects.get_for_model(AdviceRequest),
        subject_id__in=requests.values("pk"),
    )
    # The children they convene for, read first: few or none, and with none there is no need to
    # build (and have Django compile) a subquery over every machine's records.
    convened_ids = list(convened.values_list("pk", flat=True))
    if not convened_ids:
        return Deadline.objects.filter(advice)
    reviews = _deadlines_of_children(Child.objects.filter(pk__in=convened_ids)).filter(
        kind__in=REVIEW_DEADLINE_KINDS
    )
    return Deadline.objects.filter(advice | Q(pk__in=reviews.values("pk")))


def deadlines_readable_by(user: User, *, child_id: int | None = None) -> DeadlineQuerySet:
    if is_professional(user) and not is_staff_member(user):
        return deadlines_of_professional(user, child_id=child_id)
    return deadlines_visible_to(user, child_id=child_id)


def _deadlines_of_children(children: QuerySet[Child]) -> DeadlineQuerySet:
    on_records = Q(case_id__in=Case.objects.filter(child__in=children).values("pk"))
    for model, machine in registry.machines.items():
        if machine.child_lookups:
            records = model._default_manager.filter(_child_of(machine.child_lookups, children))
            on_records |= Q(
                subject_type=ContentType.objects.get_for_model(model),
                subject_id__in=records.values("pk"),
            )
    return Deadline.objects.filter(on_records)


def with_child(deadlines: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """Each deadline with its child's id as `child_pk`, for the access log, in the same query."""
    whens = []
    for model, machine in registry.machines.items():
        if not machine.child_lookups:
            continue
        subject = model._default_manager.filter(pk=OuterRef("subject_id"))
        child = Coalesce(
            *(Subquery(subject.values(f"{lookup}_id")[:1]) for lookup in machine.child_lookups),
            Value(None),
            output_field=IntegerField(),
        )
        whens.append(When(subject_type=ContentType.objects.get_for_model(model), then=child))
    return deadlines.annotate(
        child_pk=DbCase(*whens, default=Value(None), output_field=IntegerField())
    )


def case_history(case: Case) -> QuerySet[TransitionLog]:
    """Every audit row of the case and of the plans linked to it, oldest first."""
    return (
        TransitionLog.objects.filter(case_id=case.pk)
        .select_related("actor", "subject_type")
        .order_by("at", "id")
    )


def case_deadlines(case: Case) -> DeadlineQuerySet:
    return Deadline.objects.filter(case_id=case.pk).order_by("due_on", "id")


def case_deadlines_readable_by(user: User, case: Case) -> DeadlineQuerySet:
    """The case's deadlines the user may read: a professional's own among them only."""
    deadlines = case_deadlines(case)
    if is_professional(user) and not is_staff_member(user):
        return deadlines.filter(pk__in=deadlines_of_professional(user).values("pk"))
    return deadlines


def caseload(user: User, *, status: str | None = None) -> QuerySet[Case]:
    """The user's open cases with their next running deadline: overdue first, then soonest."""
    next_deadline = (
        Deadline.objects.filter(case_id=OuterRef("pk")).running().order_by("due_on", "id")
    )
    cases = (
        cases_visible_to(user)
        .filter(lead_professional=user)
        .select_related("child")
        .annotate(
            next_due_on=Subquery(next_deadline.values("due_on")[:1]),
            next_kind=Subquery(next_deadline.values("kind")[:1]),
            next_deadline_id=Subquery(next_deadline.values("pk")[:1]),
        )
    )
    cases = cases.filter(status=status) if status else cases.exclude(status=CaseStatus.CLOSED)
    return cases.order_by(F("next_due_on").asc(nulls_last=True), "child__family_name", "pk")


def deadlines_at_risk(user: User, *, within_days: int = 14) -> QuerySet[Deadline]:
    """For a team dashboard: running deadlines due in the next `within_days`, and missed ones."""
    horizon = clock.today() + dt.timedelta(days=within_days)
    lead = Case.objects.filter(pk=OuterRef("case_id"))
    return (
        Deadline.objects.filter(team__memberships__user=user)
        .running()
        .filter(due_on__lte=horizon)
        .exclude(kind__in=registry.others_time())
        .annotate(
            lead_name=Subquery(lead.values("lead_professional__full_name")[:1]),
            child_name=Subquery(lead.values("child__given_name")[:1]),
            child_family_name=Subquery(lead.values("child__family_name")[:1]),
            child_pk=Subquery(lead.values("child_id")[:1]),
        )
        .order_by("lead_name", "due_on", "pk")
    )


def record_reads(user: User, child_id: int) -> QuerySet[AccessLog]:
    """Who on the staff read this child's records, newest first: for the team's managers only."""
    if not user.has_role(Role.TEAM_MANAGER):
        return AccessLog.objects.none()
    return (
        AccessLog.objects.filter(child__in=children_visible_to(user), child_id=child_id)
        .select_related("user")
        .order_by("-at", "-id")
    )


def staff_plans_visible_to(user: User) -> QuerySet[EHCPlan]:
    """Plans for the records only staff keep on them: advice, transfers, re-assessments."""
    return plans_visible_to(user) if is_staff_member(user) else EHCPlan.objects.none()


def advice_requests_visible_to(user: User) -> QuerySet[AdviceRequest]:
    """Staff see the advice on their teams' plans. A professional sees the requests made of them
    and, to be told once (DESIGN §3), the advice other advisers have already given on the same
    plans; never a request still waiting on someone else."""
    if is_professional(user) and not is_staff_member(user):
        theirs = AdviceRequest.objects.filter(adviser=user)
        others_given = Q(plan__in=theirs.values("plan"), status=AdviceStatus.RECEIVED) & ~Q(
            adviser=user
        )
        return AdviceRequest.objects.filter(Q(adviser=user) | others_given).select_related(
            "plan", "adviser"
        )
    plans = staff_plans_visible_to(user)
    return AdviceRequest.objects.filter(plan__in=plans).select_related("plan", "adviser")


def plans_convened_by(user: User) -> QuerySet[EHCPlan]:
    """The plans whose reviews the professional convenes today, while they may see the child."""
    convener = TeamMember.objects.current(clock.today()).filter(
        child=OuterRef("child"), user=user, part=TeamPart.REVIEW_CONVENER
    )
    return EHCPlan.objects.filter(Exists(convener), child__in=children_of_professional(user))


def advice_requests_of(user: User) -> QuerySet[AdviceRequest]:
    """The requests a professional was asked to answer, for their own list."""
    return (
        AdviceRequest.objects.filter(adviser=user)
        .select_related("plan__child")
        .order_by("status", "requested_on", "pk")
    )


def advice_documents_visible_to(user: User) -> QuerySet[Document]:
    """Documents sent with advice, to whoever may read the advice itself: staff of the child's
    team, the adviser, and the other advisers on the same plan (once it has been given)."""
    return Document.objects.filter(
        advice_request__in=advice_requests_visible_to(user).values("pk")
    ).select_related("advice_request")


def transfers_visible_to(user: User) -> QuerySet[Transfer]:
    return Transfer.objects.filter(plan__in=staff_plans_visible_to(user)).select_related("plan")


def reassessments_visible_to(user: User) -> QuerySet[Reassessment]:
    plans = staff_plans_visible_to(user)
    return Reassessment.objects.filter(plan__in=plans).select_related("plan")


def children_of_professional_listed(user: User) -> QuerySet[Child]:
    """A professional's children for *My children*, each with the user's part in the team (empty
    for an adviser outside it), the key worker's name and the latest plan's status, in one
    query."""
    today = clock.today()
    current = TeamMember.objects.current(today).filter(child=OuterRef("pk")).order_by("pk")
    plan = EHCPlan.objects.filter(child=OuterRef("pk")).order_by("-pk")
    return (
        children_of_professional(user)
        .annotate(
            their_part=Subquery(current.filter(user=user).values("part")[:1]),
            key_worker_name=Subquery(current.filter(part=TeamPart.KEY_WORKER).values("name")[:1]),
            plan_status=Subquery(plan.values("status")[:1]),
        )
        .order_by("given_name", "family_name", "pk")
    )


def current_team_of(child: Child) -> QuerySet[TeamMember]:
    """The child's team around the child today, key worker first."""
    key_worker_first = DbCase(
        When(part=TeamPart.KEY_WORKER, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        TeamMember.objects.current(clock.today())
        .filter(child=child)
        .select_related("organisation")
        .order_by(key_worker_first, "name", "pk")
    )


def advice_asked_of(user: User, child: Child) -> QuerySet[AdviceRequest]:
    """The advice a professional was asked for on the child's plans, oldest request first."""
    return AdviceRequest.objects.filter(adviser=user, plan__child=child).order_by(
        "requested_on", "pk"
    )


def team_of(child: Child) -> QuerySet[TeamMember]:
    """The child's team around the child, past members too, in the order they joined; each with
    its organisation in the same query."""
    return (
        TeamMember.objects.filter(child=child)
        .select_related("organisation")
        .order_by("starts_on", "pk")
    )


def team_members_editable_by(user: User) -> QuerySet[TeamMember]:
    """Members of the teams around the children of the user's own teams: staff change them."""
    if not is_staff_member(user):
        return TeamMember.objects.none()
    return TeamMember.objects.filter(child__in=children_visible_to(user)).select_related(
        "organisation", "child"
    )


def consents_of(child: Child) -> QuerySet[Consent]:
    """Every consent recorded for the child, oldest first: the history, never edited."""
    return Consent.objects.filter(child=child).order_by("on", "pk")
