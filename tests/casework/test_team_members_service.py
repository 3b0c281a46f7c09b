"""Members of a child's team around the child: one key worker at a time, ended never deleted."""

import datetime as dt

import pytest
import time_machine

from accounts.roles import Role
from casework import selectors
from casework.services.team import team_member_add, team_member_change
from tests.factories import ChildFactory, ConsentFactory, ProfessionalFactory, staff
from workflows.errors import InvalidParams, NotPermitted

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child():
    return ChildFactory()


@pytest.fixture
def practitioner(child):
    return staff(Role.PRACTITIONER, child.team)


def _contact(child, by, *, part="key_worker", starts_on=TODAY, name="Sam Okafor"):
    return team_member_add(
        by=by, child=child, part=part, starts_on=starts_on, name=name, profession="social_worker"
    )


def test_a_second_key_worker_is_refused_naming_the_field(child, practitioner):
    _contact(child, practitioner)

    with pytest.raises(InvalidParams) as refused:
        _contact(child, practitioner, name="Jo Patel")

    assert list(refused.value.fields) == ["key_worker"]
    assert "already has a key worker, Sam Okafor" in refused.value.fields["key_worker"][0]


def test_a_key_worker_ended_today_hands_over_to_one_starting_today(child, practitioner):
    first = _contact(child, practitioner, starts_on=dt.date(2026, 1, 5))
    team_member_change(by=practitioner, member=first, ends_on=TODAY)

    second = _contact(child, practitioner, name="Jo Patel")

    assert second.part == "key_worker"


def test_making_an_adviser_key_worker_is_refused_while_another_is(child, practitioner):
    _contact(child, practitioner)
    adviser = _contact(child, practitioner, part="adviser", name="Jo Patel")

    with pytest.raises(InvalidParams) as refused:
        team_member_change(by=practitioner, member=adviser, part="key_worker")

    assert "key_worker" in refused.value.fields


def test_ending_a_membership_today_ends_the_professionals_access_at_once(child, practitioner):
    profile = ProfessionalFactory()
    ConsentFactory(child=child, agency="education")
    member = team_member_add(
        by=practitioner, child=child, part="adviser", starts_on=TODAY, user=profile.user
    )
    assert list(selectors.children_of_professional(profile.user)) == [child]

    team_member_change(by=practitioner, member=member, ends_on=TODAY)

    profile.user._professional_cache = None
    assert list(selectors.children_of_professional(profile.user)) == []
    member.refresh_from_db()
    assert member.ends_on == TODAY  # kept on the record


def test_an_ended_membership_is_not_changed_again(child, practitioner):
    member = _contact(child, practitioner, part="adviser")
    team_member_change(by=practitioner, member=member, ends_on=TODAY)

    with pytest.raises(InvalidParams):
        team_member_change(by=practitioner, member=member, part="key_worker")


def test_a_start_in_the_future_or_an_end_before_the_start_is_refused(child, practitioner):
    with pytest.raises(InvalidParams) as future:
        _contact(child, practitioner, starts_on=TODAY + dt.timedelta(days=1))
    member = _contact(child, practitioner, part="adviser")
    with pytest.raises(InvalidParams) as before:
        team_member_change(by=practitioner, member=member, ends_on=TODAY - dt.timedelta(days=1))

    assert list(future.value.fields) == ["from"]
    assert list(before.value.fields) == ["to"]


def test_only_staff_change_a_team(child):
    with pytest.raises(NotPermitted):
        _contact(child, ProfessionalFactory().user)
