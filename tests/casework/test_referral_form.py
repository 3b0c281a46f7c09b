"""The referral form: the child's dates with the GOV.UK date input, the family, school, sex and
ethnicity."""

from __future__ import annotations

import html

import pytest
import time_machine

from casework.models import Child, Referral

pytestmark = pytest.mark.django_db


def boxes(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


def referral(**changes: str) -> dict[str, str]:
    return {
        "given_name": "Ruby",
        "family_name": "Shah",
        **boxes("date_of_birth", 4, 3, 2017),
        "primary_need": "ASD",
        **boxes("received_on", 9, 6, 2026),
        "source": "school",
        "reason": "Not coping at school",
    } | changes


def refused(client, user, form) -> str:
    client.force_login(user)
    response = client.post("/referrals/new/", form)
    assert response.status_code == 400
    assert not Child.objects.exists()
    assert not Referral.objects.exists()
    return html.unescape(response.content.decode())


@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_a_date_of_birth_in_the_future_is_refused(client, practitioner):
    page = refused(client, practitioner, referral(**boxes("date_of_birth", 1, 1, 2030)))

    assert "Date of birth must be in the past." in page


@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_a_referral_dated_before_the_child_was_born_is_refused(client, practitioner):
    form = referral(**boxes("date_of_birth", 4, 3, 2017), **boxes("received_on", 3, 3, 2017))

    page = refused(client, practitioner, form)

    assert "The referral date must be after the date of birth." in page


@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_the_form_keeps_the_date_boxes_typed(client, practitioner):
    page = refused(client, practitioner, referral(**boxes("date_of_birth", 31, 2, 2017)))

    assert "Enter a real date." in page
    assert 'value="31"' in page
