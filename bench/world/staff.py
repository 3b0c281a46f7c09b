"""Teams and their staff: ten logins a team, two team managers and eight practitioners."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group

from accounts.models import Team, TeamMembership, User
from accounts.roles import Role
from bench.world.base import World

GIVEN = ["Amelia", "Noah", "Olivia", "Oliver", "Isla", "George", "Ava", "Harry", "Mia", "Leo"]
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel"]
STAFF_PER_TEAM = 10


@dataclass
class Staff:
    groups: dict[str, Any]
    teams: list[Any]
    users: list[Any]
    # Each team's staff, by the team's id: a case's lead professional is one of them.
    practitioners: dict[int, list[Any]]


def write(world: World, teams_total: int) -> Staff:
    rng, progress = world.rng, world.progress
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    teams = progress.write(
        "teams",
        Team,
        (
            Team(name=world.team_name or f"Bench team {world.tag} {n + 1}")
            for n in range(teams_total)
        ),
        teams_total,
    )
    users = progress.write(
        "users",
        User,
        (
            User(
                email=f"staff{n}.{world.tag}@bench.invalid",
                full_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                password=world.password,
            )
            for n in range(teams_total * STAFF_PER_TEAM)
        ),
        teams_total * STAFF_PER_TEAM,
    )
    practitioners: dict[int, list[Any]] = {team.pk: [] for team in teams}
    memberships, roles = [], []
    for index, user in enumerate(users):
        team = teams[index // STAFF_PER_TEAM]
        memberships.append(TeamMembership(team=team, user=user))
        manager = index % STAFF_PER_TEAM < 2
        roles.append(
            User.groups.through(
                user_id=user.pk,
                group_id=groups[Role.TEAM_MANAGER if manager else Role.PRACTITIONER].pk,
            )
        )
        practitioners[team.pk].append(user)
    progress.write("memberships", TeamMembership, memberships, len(memberships))
    progress.write("user roles", User.groups.through, roles, len(roles))
    return Staff(groups=groups, teams=teams, users=users, practitioners=practitioners)
