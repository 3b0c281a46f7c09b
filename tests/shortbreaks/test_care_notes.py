"""Care and emergency-contact notes: written by the family or the child's team, shown on the
provider's day only where the family shares them, and only to providers with a booking."""

from __future__ import annotations

import pytest

import workflows
from accounts.roles import Role
from casework.models import AccessLog
from shortbreaks import selectors, services
from shortbreaks.models import CareNotes
from tests.factories import (
    ChildFactory,
    FamilyMemberFactory,
    ProviderFactory,
    UserFactory,
    staff,
)
from tests.shortbreaks import fixtures
from tests.shortbreaks.fixtures import D, book
from tests.shortbreaks.test_api_and_pages import count_queries
from workflows.errors import InvalidParams, NotPermitted
from workflows.models import TransitionLog

# The short-break world of the fixtures module, and its frozen clock (a Tuesday).
world, frozen = fixtures.world, fixtures.frozen

DAY = "/provider/day/2026-11-21/"
NEEDS = "Epilepsy: rescue medicine in the red bag."


@pytest.fixture
def family(world):
    parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=world["child"], name="Parent", relationship="mother", user=parent)
    return parent


def save(world, by, *, shared=True, **changes):
    fields = {
        "care_needs": NEEDS,
        "emergency_contact_name": "Jo Collins",
        "emergency_contact_phone": "07700 900982",
        "shared_with_providers": shared,
    } | changes
    return services.care_notes_save(by=by, child=world["child"], **fields)


def url(world):
    return f"/children/{world['child'].pk}/care-notes/"


def test_the_family_writes_the_notes_from_a_page_linked_from_my_child(client, world, family):
    book(world, D(2026, 11, 21))
    client.force_login(family)

    my_child = client.get("/my-child/").content.decode()
    response = client.post(
        url(world),
        {
            "care_needs": NEEDS,
            "emergency_contact_name": "Jo Collins",
            "emergency_contact_phone": "07700 900982",
            "shared_with_providers": "on",
        },
    )

    assert url(world) in my_child
    assert response.status_code == 302
    assert response["Location"] == "/my-child/"
    notes = CareNotes.objects.get(child=world["child"])
    assert (notes.care_needs, notes.shared_with_providers, notes.updated_by) == (
        NEEDS,
        True,
        family,
    )


def test_staff_of_the_team_change_the_notes_and_the_change_is_audited(client, world, family):
    save(world, family, shared=False)
    client.force_login(world["practitioner"])

    page = client.get(url(world))
    response = client.post(
        url(world),
        {
            "care_needs": "No nuts.",
            "emergency_contact_name": "Jo Collins",
            "emergency_contact_phone": "07700 900982",
        },
    )

    assert NEEDS in page.content.decode()
    assert response.status_code == 302
    assert CareNotes.objects.get(child=world["child"]).care_needs == "No nuts."
    [first, second] = TransitionLog.objects.filter(transition="care_notes_saved").order_by("pk")
    assert (first.actor, second.actor) == (family, world["practitioner"])
    assert second.params == {"changed": ["care_needs"], "shared_with_providers": False}
    assert AccessLog.objects.filter(
        user=world["practitioner"], child=world["child"], record_type="carenotes"
    ).exists()


def test_staff_of_another_team_and_another_family_cannot_reach_the_notes(client, world, family):
    save(world, family)
    other_family = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=ChildFactory(), user=other_family)

    for outsider in (staff(Role.PRACTITIONER, ChildFactory().team), other_family):
        client.force_login(outsider)
        assert client.get(url(world)).status_code == 404
        assert client.post(url(world), {"care_needs": "x"}).status_code == 404
        with pytest.raises(NotPermitted):
            save(world, outsider, care_needs="Changed")

    assert CareNotes.objects.get(child=world["child"]).care_needs == NEEDS


def test_a_provider_cannot_write_the_notes(client, world):
    client.force_login(world["provider"])

    assert client.get(url(world)).status_code == 403
    with pytest.raises(NotPermitted):
        save(world, world["provider"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"emergency_contact_phone": ""}, "emergency_contact_phone", "Enter the emergency"),
        ({"emergency_contact_name": ""}, "emergency_contact_name", "Enter the emergency"),
        ({"emergency_contact_phone": "call me"}, "emergency_contact_phone", "Enter a phone"),
    ],
)
def test_an_incomplete_emergency_contact_is_a_400_and_nothing_is_saved(
    world, family, changes, field, message
):
    with pytest.raises(InvalidParams) as invalid:
        save(world, family, **changes)

    assert invalid.value.fields[field][0].startswith(message)
    assert not CareNotes.objects.exists()


def test_the_page_shows_our_own_message_for_a_bad_phone_number(client, world, family):
    client.force_login(family)

    response = client.post(
        url(world), {"emergency_contact_name": "Jo", "emergency_contact_phone": "soon"}
    )

    assert response.status_code == 400
    assert "Enter a phone number, like 01634 306000" in response.content.decode()
    assert not CareNotes.objects.exists()


def test_shared_notes_are_shown_to_the_provider_with_a_booking(client, world, family):
    book(world, D(2026, 11, 21))
    save(world, family)
    client.force_login(world["provider"])

    page = client.get(DAY).content.decode()

    assert NEEDS in page
    assert "Jo Collins" in page
    assert 'href="tel:07700900982"' in page


def test_notes_the_family_did_not_share_are_not_shown_to_the_provider(client, world, family):
    book(world, D(2026, 11, 21))
    save(world, family, shared=False)
    client.force_login(world["provider"])

    page = client.get(DAY).content.decode()

    assert NEEDS not in page
    assert "Jo Collins" not in page


def test_a_provider_without_a_booking_for_the_child_cannot_see_the_notes(world, family):
    book(world, D(2026, 11, 21))
    save(world, family)
    other = UserFactory(role=Role.PROVIDER)
    ProviderFactory(name="Chatham Play", kind="private", users=[other])

    assert not selectors.care_notes_shared_with_provider(other, [world["child"].pk]).exists()
    assert selectors.care_notes_shared_with_provider(world["provider"], [world["child"].pk])


def test_a_cancelled_booking_does_not_open_the_notes_to_the_provider(world, family):
    [session] = book(world, D(2026, 11, 28))
    workflows.transition(session, "cancel", by=world["practitioner"], reason="Ill")
    save(world, family)

    assert not selectors.care_notes_shared_with_provider(world["provider"], [world["child"].pk])


def test_the_day_page_query_count_does_not_grow_with_shared_notes(client, world, family):
    book(world, D(2026, 11, 21))
    client.force_login(world["provider"])
    without = count_queries(client, DAY)
    save(world, family)

    assert count_queries(client, DAY) == without
