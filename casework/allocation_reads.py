"""Whom a team manager may allocate a case to, and how much each of them carries (DESIGN §1: a
team manager allocates cases; §11: the team dashboard). Shared by the API, the allocation page and
the team dashboard, each scoped to the teams the manager belongs to."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Team, User, with_roles
from accounts.roles import ROLES_INCLUDED, STAFF_ROLES, Role
from casework.models import Case, CaseStatus
from workflows import clock
from workflows.models import Deadline
from workflows.registry import registry


def _count(rows: QuerySet[Case] | QuerySet[Deadline], by: str) -> Coalesce:
    """How many of `rows` belong to the outer user, as one correlated subquery: counting over
    joins to both cases and deadlines would multiply one by the other."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def managed_teams(user: User) -> QuerySet[Team]:
    """The teams whose cases this user may allocate: a team manager's own teams."""
    if not user.is_authenticated or not user.has_role(Role.TEAM_MANAGER):
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user)


def holders_of(role: str) -> list[str]:
    """The groups whose members hold `role`: a team manager is a practitioner too."""
    return [role, *(held for held, included in ROLES_INCLUDED.items() if role in included)]


def allocatable_staff(
    user: User, *, team_id: int | None = None, role: str | None = None
) -> QuerySet[User]:
    """The active practitioners and managers of the user's managed teams (optionally one team,
    one role), by name, each with `open_cases` (the open cases they lead in those teams) and
    `overdue_deadlines` (their running deadlines past due there, others' time left out), and
    their roles, in one query; their teams among the manager's come in one more."""
    teams = managed_teams(user)
    if team_id is not None:
        teams = teams.filter(pk=team_id)
    staff = User.objects.filter(
        is_active=True,
        memberships__team__in=teams,
        groups__name__in=holders_of(role) if role else STAFF_ROLES,
    )
    open_cases = Case.objects.filter(
        lead_professional=OuterRef("pk"), team__in=managed_teams(user)
    ).exclude(status=CaseStatus.CLOSED)
    overdue = (
        Deadline.objects.filter(owner=OuterRef("pk"), team__in=managed_teams(user))
        .running()
        .filter(due_on__lt=clock.today())
        .exclude(kind__in=registry.others_time())
    )
    return (
        with_roles(User.objects.filter(pk__in=staff.values("pk")))
        .annotate(
            open_cases=_count(open_cases, "lead_professional"),
            overdue_deadlines=_count(overdue, "owner"),
        )
        .prefetch_related(
            # By id: the prefetch's own join on memberships would otherwise reuse this one's.
            Prefetch(
                "teams",
                queryset=Team.objects.filter(pk__in=managed_teams(user).values("pk")).order_by(
                    "name"
                ),
                to_attr="shared",
            )
        )
        .order_by("full_name", "email", "pk")
    )


def staff_of_case_team(user: User, case: Case) -> QuerySet[User]:
    """Whom this case may be allocated to: the staff of its own team, if the user manages it."""
    return allocatable_staff(user, team_id=case.team_id)
