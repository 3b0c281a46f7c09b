"""The load test's people: a login for each simulated user, with what that person may open.

Run in the load test's own process (Django set up on the load test's database) after the
caseload is generated and before gunicorn starts. Each simulated user gets an account of its
own, so that no two sign in as one person: staff and managers from the generated teams, family
logins linked to a child with a budget, provider logins for generated providers, SENCOs with
children in their team around the child (and the family's consent to education), and
commissioners. Every account gets the same password, hashed once with the production hasher,
and every account the second factor applies to gets an authenticator app (a TOTP device) whose
key the simulated user holds: it signs in through the real pages, password and then code, as
production requires.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

# Shares of the 50 simulated users: practitioners and managers most of the working day, then
# families, providers, professionals from schools and the health service, and commissioners.
SHARES = {
    "practitioner": 18,
    "team_manager": 10,
    "family": 9,
    "provider": 5,
    "professional": 5,
    "commissioner": 3,
}
PASSWORD = "load-test-password-1"  # noqa: S105 (a throwaway database's accounts)
SAMPLE = 20  # ids of each kind a simulated user picks from
BREAKDOWNS = ["age_band", "primary_need", "team", "service_type", "agency"]
SEARCH_WORDS = ["club", "holiday", "overnight", "sitting", "after school", "day"]


def counts(users: int) -> dict[str, int]:
    """How many of each role among `users`, in the shares above, at least one of each."""
    total = sum(SHARES.values())
    wanted = {role: max(1, round(users * share / total)) for role, share in SHARES.items()}
    while sum(wanted.values()) > users:
        largest = max(wanted, key=lambda role: wanted[role])
        wanted[largest] -= 1
    while sum(wanted.values()) < users:
        wanted["practitioner"] += 1
    return wanted


def prepare(users: int, *, seed: int = 1) -> dict[str, Any]:
    """Write the accounts; returns the plan the simulated users read (accounts by role)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction

    from accounts.roles import Role
    from commissioning.selectors import plans_visible_to
    from shortbreaks.models import Service, ServiceType

    rng = random.Random(seed)
    wanted = counts(users)
    password = make_password(PASSWORD)
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    with transaction.atomic():
        accounts = {
            "practitioner": _staff(rng, Role.PRACTITIONER, wanted["practitioner"]),
            "team_manager": _staff(rng, Role.TEAM_MANAGER, wanted["team_manager"]),
            "family": _families(rng, wanted["family"], groups),
            "provider": _providers(rng, wanted["provider"], groups),
            "professional": _professionals(rng, wanted["professional"], groups),
            "commissioner": _commissioners(wanted["commissioner"], groups),
        }
        _give_password_and_app(accounts, password)
    commissioner = accounts["commissioner"][0]["user"]
    plan = plans_visible_to(commissioner).order_by("-start_on", "pk").first()
    names = list(Service.objects.values_list("name", flat=True)[:50])
    for people in accounts.values():
        for person in people:
            person.pop("user")
    return {
        "counts": wanted,
        "password": PASSWORD,
        "accounts": accounts,
        "plan": plan.pk if plan else None,
        "breakdowns": BREAKDOWNS,
        "search": {
            "words": SEARCH_WORDS + [name.split()[0].lower() for name in names],
            "types": list(ServiceType.values),
            "ages": list(range(0, 26)),
        },
    }


def _sample(rng: random.Random, ids: Iterable[int]) -> list[int]:
    ids = list(ids)
    return rng.sample(ids, min(SAMPLE, len(ids)))


def _staff(rng: random.Random, role: str, count: int) -> list[dict[str, Any]]:
    """Staff with the most cases in their teams first, each with a sample of what they see."""
    from django.db.models import Count

    from accounts.models import User
    from budgets.selectors import budgets_visible_to
    from casework.selectors import cases_visible_to

    chosen = (
        User.objects.filter(groups__name=role, is_active=True)
        .annotate(cases=Count("lead_cases"))
        .order_by("-cases", "pk")[:count]
    )
    people = []
    for user in chosen:
        cases = cases_visible_to(user).order_by("-pk").values_list("pk", flat=True)[:500]
        budgets = budgets_visible_to(user).order_by("-pk").values_list("pk", flat=True)[:200]
        people.append(
            {"user": user, "cases": _sample(rng, cases), "budgets": _sample(rng, budgets)}
        )
    if len(people) < count:
        raise SystemExit(f"The caseload has {len(people)} logins with the role {role}: too few.")
    return people


def _families(rng: random.Random, count: int, groups: dict[str, Any]) -> list[dict[str, Any]]:
    """A parent of a child who has a personal budget, linked as the child's family member."""
    from accounts.models import User
    from accounts.roles import Role
    from budgets.models import PersonalBudget
    from casework.models import FamilyMember

    children = list(
        PersonalBudget.objects.order_by("child_id").values_list("child_id", flat=True).distinct()
    )
    people = []
    for n, child_id in enumerate(rng.sample(children, count)):
        user = User.objects.create_user(f"family{n}.loadtest@bench.invalid", None)
        user.groups.add(groups[Role.FAMILY])
        FamilyMember.objects.create(
            child_id=child_id,
            name=f"Load test parent {n}",
            relationship="mother",
            has_parental_responsibility=True,
            user=user,
        )
        budgets = PersonalBudget.objects.filter(child_id=child_id).values_list("pk", flat=True)
        people.append({"user": user, "budgets": list(budgets)})
    return people


def _providers(rng: random.Random, count: int, groups: dict[str, Any]) -> list[dict[str, Any]]:
    """A login for a provider with sessions, and the days its sessions are on."""
    from django.db.models import Count

    from accounts.models import User
    from accounts.roles import Role
    from shortbreaks.models import Provider, Session

    busiest = Provider.objects.annotate(n=Count("services__packages__sessions")).order_by(
        "-n", "pk"
    )[:count]
    people = []
    for n, provider in enumerate(busiest):
        user = User.objects.create_user(f"provider{n}.loadtest@bench.invalid", None)
        user.groups.add(groups[Role.PROVIDER])
        provider.users.add(user)
        days = (
            Session.objects.filter(package__service__provider=provider)
            .order_by("-date")
            .values_list("date", flat=True)
            .distinct()[:200]
        )
        people.append({"user": user, "days": [day.isoformat() for day in _sample(rng, days)]})
    return people


def _professionals(rng: random.Random, count: int, groups: dict[str, Any]) -> list[dict[str, Any]]:
    """SENCOs of one school, each in the team around a few children, with consent to education."""
    from accounts.models import Organisation, Professional, User
    from accounts.roles import Role
    from casework.models import Child, Consent, TeamMember
    from workflows import clock

    today = clock.today()
    school = Organisation.objects.create(name="Load test academy", agency="education")
    recorder = User.objects.filter(groups__name=Role.PRACTITIONER).order_by("pk").first()
    children = list(Child.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    people = []
    for n in range(count):
        user = User.objects.create_user(
            f"senco{n}.loadtest@bench.invalid", None, full_name=f"Load test SENCO {n}"
        )
        user.groups.add(groups[Role.PROFESSIONAL])
        Professional.objects.create(user=user, organisation=school, profession="senco")
        theirs = rng.sample(children, min(8, len(children)))
        for child_id in theirs:
            TeamMember.objects.create(
                child_id=child_id,
                user=user,
                name=user.full_name,
                organisation=school,
                profession="senco",
                part="adviser",
                starts_on=today,
                added_by=recorder,
            )
            Consent.objects.create(
                child_id=child_id,
                agency="education",
                given=True,
                on=today,
                by="parent",
                recorded_by=recorder,
            )
        people.append({"user": user, "children": theirs})
    return people


def _commissioners(count: int, groups: dict[str, Any]) -> list[dict[str, Any]]:
    from accounts.models import User
    from accounts.roles import Role

    people = []
    for n in range(count):
        user = User.objects.create_user(f"commissioner{n}.loadtest@bench.invalid", None)
        user.groups.add(groups[Role.COMMISSIONER])
        people.append({"user": user})
    return people


def _give_password_and_app(accounts: dict[str, list[dict[str, Any]]], password: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    from accounts import second_factor
    from accounts.models import User

    for n, person in enumerate(person for people in accounts.values() for person in people):
        user: User = person["user"]
        User.objects.filter(pk=user.pk).update(password=password)
        person["email"] = user.email
        # A distinct client address each, as from the proxy's X-Forwarded-For.
        person["address"] = f"10.0.{n // 250}.{n % 250 + 1}"
        if second_factor.applies_to(user):
            key = random_hex(20)
            TOTPDevice.objects.create(user=user, name="Load test", key=key, confirmed=True)
            person["totp_key"] = key
