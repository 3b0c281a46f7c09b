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
def test_who_gave_consent_without_consent_ticked_is_refused(client, practitioner):
    page = refused(client, practitioner, referral(consent_given_by="Mum"))

    assert "Select that the family consents, or leave who gave consent empty." in page


@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_the_form_keeps_the_date_boxes_typed(client, practitioner):
    page = refused(client, practitioner, referral(**boxes("date_of_birth", 31, 2, 2017)))

    assert "Enter a real date." in page
    assert 'value="31"' in page


@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_the_referral_records_the_parent_school_sex_and_ethnicity(client, practitioner):
    client.force_login(practitioner)
    form = referral(
        sex="female",
        ethnicity="WBRI",
        school="Hilltop Primary School",
        postcode="ME4 4TR",
        parent_name="Sarah Shah",
        parent_relationship="mother",
        parent_has_parental_responsibility="on",
        parent_phone="07700 900982",
        parent_email="Sarah@example.org",
        parent_address="1 High Street\r\nChatham",
    )

    response = client.post("/referrals/new/", form)

    assert response.status_code == 302
    child = Child.objects.get()
    assert (child.gender, child.ethnicity, child.school, child.postcode) == (
        "female",
        "WBRI",
        "Hilltop Primary School",
        "ME4 4TR",
    )
    parent = child.family_members.get()
    assert (parent.name, parent.relationship, parent.phone) == (
        "Sarah Shah",
        "mother",
        "07700 900982",
    )
    assert parent.has_parental_responsibility
    assert parent.address.splitlines() == ["1 High Street", "Chatham"]


@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_a_referral_without_a_parent_records_no_family_member(client, practitioner):
    client.force_login(practitioner)

    assert client.post("/referrals/new/", referral()).status_code == 302
    assert not Child.objects.get().family_members.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"parent_phone": "07700 900982"}, "Enter the parent or carer's full name."),
        ({"parent_name": "Sarah Shah"}, "Enter the parent or carer's relationship to the child."),
        (
            {"parent_name": "Sarah Shah", "parent_relationship": "mother", "parent_phone": "call"},
            "Enter a phone number, like 01632 960 001 or 07700 900 982.",
        ),
        (
            {"parent_name": "Sarah Shah", "parent_relationship": "mother", "parent_email": "x@"},
            "Enter an email address in the correct format, like name@example.org.",
        ),
        ({"ethnicity": "Martian"}, "Select one of the options for the ethnicity."),
        ({"sex": "other"}, "Select one of the options for the sex."),
    ],
)
@time_machine.travel("2026-06-10 09:00Z", tick=False)
def test_bad_family_details_are_field_errors_and_save_nothing(
    client, practitioner, changes, message
):
    page = refused(client, practitioner, referral(**changes))

    assert message in page
