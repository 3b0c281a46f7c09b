"""Family logins, one for every tenth child, and the feedback each has given."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.roles import Role
from bench.world.base import World
from commissioning.models import Feedback, quarter_start


def write(world: World, children: list[Any], groups: dict[str, Any]) -> None:
    rng, progress = world.rng, world.progress
    parent_count = max(1, len(children) // 10)
    parents = progress.write(
        "family logins",
        User,
        (
            User(email=f"parent{n}.{world.tag}@bench.invalid", password=world.password)
            for n in range(parent_count)
        ),
        parent_count,
    )
    progress.write(
        "family roles",
        User.groups.through,
        (User.groups.through(user_id=p.pk, group_id=groups[Role.FAMILY].pk) for p in parents),
        parent_count,
    )
    progress.write(
        "feedback",
        Feedback,
        (
            Feedback(
                child=children[n],
                team_id=children[n].team_id,
                given_by=parents[n],
                given_on=(given_on := world.days_ago(0, 500)),
                period_start=quarter_start(given_on),
                rating=rng.choices([1, 2, 3, 4, 5], [5, 8, 17, 35, 35])[0],
            )
            for n in range(parent_count)
        ),
        parent_count,
    )
