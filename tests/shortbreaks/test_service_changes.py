"""Providers propose changes to their services; staff approve or reject them (issue #21 item 2).

Nothing a provider types is published until it is approved; every step is audited; a service not
checked for a year is listed for staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from accounts.roles import Role
from shortbreaks import services
from shortbreaks.change_values import values_of
from shortbreaks.demo_changes import waiting_change
from shortbreaks.models import ChangeStatus, Service, ServiceChange
from tests.factories import (
    ContactFactory,
    CostOptionFactory,
    ProviderFactory,
    ScheduleFactory,
    ServiceFactory,
    ServiceNeedFactory,
    UserFactory,
    staff,
)
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.models import Notification, TransitionLog

TODAY = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)
D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def offer(team):
    login = UserFactory(role=Role.PROVIDER)
    provider = ProviderFactory(name="Rochester Short Breaks", users=[login])
    service = ServiceFactory(
        provider=provider,
        name="Saturday Club",
        description="Games every Saturday.",
        assured_on=D(2026, 1, 5),
    )
    contact = ContactFactory(service=service, name="Club office", email="club@example.org")
    cost = CostOptionFactory(service=service, option="Per session", amount=Decimal("5.00"))
    schedule = ScheduleFactory(service=service, byday="SA", description="Saturdays")
    ServiceNeedFactory(service=service, need="autism")
    other_login = UserFactory(role=Role.PROVIDER)
    other = ServiceFactory(
        provider=ProviderFactory(name="Kent Family Link", users=[other_login]),
        name="Family-based overnight stays",
        type="family_based_overnight",
    )
    return {
        "login": login,
        "provider": provider,
        "service": service,
        "contact": contact,
        "cost": cost,
        "schedule": schedule,
        "other_login": other_login,
        "other": other,
        "manager": staff(Role.TEAM_MANAGER, team),
        "practitioner": staff(Role.PRACTITIONER, team),
        "commissioner": UserFactory(role=Role.COMMISSIONER),
    }


def proposal(offer, **changes):
    values = values_of(offer["service"])
    values.update(changes)
    return values


def propose(offer, **changes) -> ServiceChange:
    return services.service_change_propose(
        by=offer["login"],
        provider=offer["provider"],
        service=offer["service"],
        values=proposal(offer, **changes),
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_of(record) -> list[str]:
    return list(
        TransitionLog.objects.filter(
            subject_type=ContentType.objects.get_for_model(record), subject_id=record.pk
        )
        .order_by("pk")
        .values_list("transition", flat=True)
    )


EVERYTHING = {
    "name": "Saturday Club and Sunday Club",
    "description": "Games, cooking and trips at the weekend.",
    "type": "holiday_scheme",
    "access": "universal",
    "min_age": 8,
    "max_age": 16,
    "eligibility": "Children with a disability living in Medway.",
    "how_to_apply": "Ring the club office.",
    "accessibility": "Step-free access and a changing places toilet.",
    "email": "weekend@example.org",
    "url": "https://example.org/weekend",
    "temporarily_closed": True,
    "alert": "Closed over Christmas.",
    "needs": ["learning_disability", "sensory"],
}


# Proposing ---------------------------------------------------------------------------------


def test_a_providers_proposal_is_not_published_until_it_is_approved(offer, client):
    propose(offer, description="A brand new secret description.")

    service = Service.objects.get(pk=offer["service"].pk)
    assert service.description == "Games every Saturday."
    assert service.contacts.count() == 1
    assert "A brand new secret description." not in client.get("/short-breaks/").content.decode()
    listed = api(offer["manager"]).get(f"/api/v1/shortbreaks/services/{service.pk}/").json()
    assert listed["description"] == "Games every Saturday."


def test_a_provider_proposes_from_the_form_prefilled_with_the_current_values(offer):
    browser = page(offer["login"])
    url = f"/provider/services/{offer['service'].pk}/change/"
    form = browser.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="Saturday Club"' in html
    assert "Games every Saturday." in html
    assert 'value="club@example.org"' in html
    data = {
        "name": "Saturday Club",
        "description": "Now with music.",
        "type": "day_activity",
        "access": "targeted",
        "min_age": "5",
        "max_age": "18",
        "needs": ["autism", "sensory"],
        "contacts-0-id": str(offer["contact"].pk),
        "contacts-0-name": "Club office",
        "contacts-0-email": "club@example.org",
        "contacts-1-name": "Priya Shah",
        "contacts-1-phone": "01634 000111",
        "cost_options-0-id": str(offer["cost"].pk),
        "cost_options-0-option": "Per session",
        "cost_options-0-amount": "6.50",
        "schedules-0-id": str(offer["schedule"].pk),
        "schedules-0-byday": ["SA", "SU"],
        "schedules-0-opens_at": "10:00",
        "schedules-0-closes_at": "15:00",
    }
    response = browser.post(url, data)
    assert response.status_code == 302
    change = ServiceChange.objects.get()
    assert change.values["description"] == "Now with music."
    assert [item["name"] for item in change.values["contacts"]] == ["Club office", "Priya Shah"]
    assert change.values["cost_options"][0]["amount"] == "6.50"
    assert change.values["schedules"][0]["byday"] == "SA,SU"
    assert change.current["description"] == "Games every Saturday."
    mine = browser.get("/provider/services/").content.decode()
    assert "Change waiting for approval" in mine


def test_a_form_with_bad_answers_is_shown_again_with_an_error_summary(offer):
    browser = page(offer["login"])
    response = browser.post(
        f"/provider/services/{offer['service'].pk}/change/",
        {
            "name": "Saturday Club",
            "type": "day_activity",
            "access": "targeted",
            "min_age": "12",
            "max_age": "6",
            "cost_options-0-option": "Per session",
            "cost_options-0-amount": "-1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The oldest age cannot be below the youngest." in html
    assert "The amount cannot be less than 0." in html
    assert not ServiceChange.objects.exists()


def test_a_provider_cannot_propose_a_change_to_another_providers_service(offer):
    other = offer["other"]
    assert page(offer["login"]).get(f"/provider/services/{other.pk}/change/").status_code == 404
    response = api(offer["login"]).post(
        "/api/v1/shortbreaks/service-changes/",
        {"service": other.pk, "values": values_of(other)},
        format="json",
    )
    assert response.status_code == 404
    with pytest.raises(NotPermitted):
        services.service_change_propose(
            by=offer["login"], provider=other.provider, service=other, values=values_of(other)
        )
    assert not ServiceChange.objects.exists()


def test_a_second_proposal_while_one_waits_is_refused_with_the_reason(offer):
    propose(offer, description="First.")
    response = api(offer["login"]).post(
        "/api/v1/shortbreaks/service-changes/",
        {"service": offer["service"].pk, "values": proposal(offer, description="Second.")},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "change_already_waiting"
    assert "already waiting for approval" in response.json()["detail"]
    form = page(offer["login"]).get(f"/provider/services/{offer['service'].pk}/change/")
    assert form.status_code == 409
    assert "already waiting for approval" in form.content.decode()


def test_the_database_allows_one_waiting_change_per_service(offer):
    first = propose(offer, description="First.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceChange.objects.create(
            provider=first.provider,
            service=first.service,
            values=first.values,
            proposed_by=offer["login"],
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"min_age": 12, "max_age": 6}, "max_age", "The oldest age cannot be below the youngest."),
        (
            {"cost_options": [{"option": "Per session", "amount": "-2.00"}]},
            "cost_options.0.amount",
            "The amount cannot be less than 0.",
        ),
        (
            {"cost_options": [{"option": "Per session", "amount": "a fiver"}]},
            "cost_options.0.amount",
            "Enter the amount as a number, like 5 or 12.50.",
        ),
        (
            {"cost_options": [{"option": "Per session", "amount": 5.5}]},
            "cost_options.0.amount",
            'Enter the amount as text, like "12.50".',
        ),
        (
            {"schedules": [{"byday": "SATURDAY"}]},
            "schedules.0.byday",
            "Give the days as MO,TU,WE,TH,FR,SA,SU codes, each once.",
        ),
        ({"type": "circus"}, "type", None),
        ({"colour": "red"}, "colour", "This field cannot be proposed."),
    ],
)
def test_bad_values_are_400_with_field_messages(offer, changes, field, message):
    response = api(offer["login"]).post(
        "/api/v1/shortbreaks/service-changes/",
        {"service": offer["service"].pk, "values": proposal(offer, **changes)},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert field in fields
    if message:
        assert message in fields[field]
    assert not ServiceChange.objects.exists()


def test_a_proposal_that_changes_nothing_is_refused(offer):
    with pytest.raises(InvalidParams) as refused:
        propose(offer)
    assert "values" in refused.value.fields


def test_a_provider_cannot_name_another_services_contact_in_a_proposal(offer):
    stranger = ContactFactory(service=offer["other"])
    contacts = [{"id": stranger.pk, "name": "Someone else's contact"}]
    with pytest.raises(InvalidParams) as refused:
        propose(offer, contacts=contacts)
    assert "contacts.0.id" in refused.value.fields


# Deciding ----------------------------------------------------------------------------------


def test_approving_applies_every_field_and_list_and_marks_the_service_checked(offer):
    change = propose(
        offer,
        **EVERYTHING,
        contacts=[
            {"id": offer["contact"].pk, "name": "Weekend office", "email": "office@example.org"},
            {"name": "Priya Shah", "title": "Coordinator", "phone": "01634 000111"},
        ],
        cost_options=[{"option": "Per day", "amount": "12.50", "amount_description": "Lunch"}],
        schedules=[
            {"id": offer["schedule"].pk, "byday": "SA,SU", "opens_at": "10:00"},
            {"byday": "WE", "opens_at": "16:00", "closes_at": "18:00", "description": "Term"},
        ],
    )
    contact_uuid = offer["contact"].uuid

    response = api(offer["manager"]).post(
        f"/api/v1/shortbreaks/service-changes/{change.pk}/approve/", {}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    service = Service.objects.get(pk=offer["service"].pk)
    for key, value in EVERYTHING.items():
        if key != "needs":
            assert getattr(service, key) == value, key
    assert sorted(service.needs.values_list("need", flat=True)) == EVERYTHING["needs"]
    contacts = list(service.contacts.order_by("pk"))
    assert [(row.name, row.email, row.phone) for row in contacts] == [
        ("Weekend office", "office@example.org", ""),
        ("Priya Shah", "", "01634 000111"),
    ]
    assert contacts[0].uuid == contact_uuid  # changed in place, so its published id stays
    [cost] = service.cost_options.all()
    assert (cost.option, cost.amount, cost.amount_description) == (
        "Per day",
        Decimal("12.50"),
        "Lunch",
    )
    schedules = list(service.schedules.order_by("pk"))
    assert [(row.byday, row.opens_at, row.closes_at) for row in schedules] == [
        ("SA,SU", dt.time(10), None),
        ("WE", dt.time(16), dt.time(18)),
    ]
    assert service.assured_on == D(2026, 11, 24)
    assert audit_of(change) == ["create", "approve"]
    assert "change_approved" in audit_of(service)
    change.refresh_from_db()
    assert change.decided_by == offer["manager"]
    assert change.decided_at is not None


def test_the_review_page_shows_the_proposal_beside_the_service_and_approves_it(offer):
    change = propose(offer, description="Now with music.")
    browser = page(offer["commissioner"])
    queue = browser.get("/local-offer/changes/").content.decode()
    assert f"/local-offer/changes/{change.pk}/" in queue
    review = browser.get(f"/local-offer/changes/{change.pk}/")
    html = review.content.decode()
    assert review.status_code == 200
    assert "Games every Saturday." in html
    assert "Now with music." in html
    assert "app-table-scroll" in html
    assert html.count('govuk-tag--blue">Changed') == 2  # the key, and the one changed field

    response = browser.post(f"/local-offer/changes/{change.pk}/", {"decision": "approve"})

    assert response.status_code == 302
    assert Service.objects.get(pk=offer["service"].pk).description == "Now with music."


def test_rejecting_needs_a_reason_which_the_provider_then_sees(offer):
    change = propose(offer, description="Cheaper than ever.")
    client = api(offer["manager"])
    no_reason = client.post(
        f"/api/v1/shortbreaks/service-changes/{change.pk}/reject/", {}, format="json"
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["fields"]
    blank_on_the_page = page(offer["manager"]).post(
        f"/local-offer/changes/{change.pk}/", {"decision": "reject", "reason": ""}
    )
    assert blank_on_the_page.status_code == 400

    response = client.post(
        f"/api/v1/shortbreaks/service-changes/{change.pk}/reject/",
        {"reason": "The price is set by the council, not the provider."},
        format="json",
    )

    assert response.status_code == 200
    assert Service.objects.get(pk=offer["service"].pk).description == "Games every Saturday."
    seen = page(offer["login"]).get("/provider/services/").content.decode()
    assert "The price is set by the council, not the provider." in seen
    detail = page(offer["login"]).get(f"/provider/changes/{change.pk}/").content.decode()
    assert "The price is set by the council, not the provider." in detail
    assert audit_of(change) == ["create", "reject"]


def test_a_practitioner_cannot_approve_and_is_told_why(offer):
    change = propose(offer, description="Now with music.")
    response = api(offer["practitioner"]).post(
        f"/api/v1/shortbreaks/service-changes/{change.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert "team manager or a commissioner" in response.json()["detail"]
    review = page(offer["practitioner"]).get(f"/local-offer/changes/{change.pk}/")
    assert "Only a team manager or a commissioner can do this." in review.content.decode()
    refused = page(offer["practitioner"]).post(
        f"/local-offer/changes/{change.pk}/", {"decision": "approve"}
    )
    assert refused.status_code == 403
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_change_no_longer_waiting_cannot_be_decided_again(offer):
    change = propose(offer, description="Now with music.")
    url = f"/api/v1/shortbreaks/service-changes/{change.pk}/"
    assert api(offer["manager"]).post(f"{url}approve/", {}, format="json").status_code == 200
    again = api(offer["manager"]).post(f"{url}reject/", {"reason": "No."}, format="json")
    assert again.status_code == 409
    assert "not possible while" in again.json()["detail"]


def test_a_provider_withdraws_a_waiting_change_and_may_propose_again(offer):
    change = propose(offer, description="Now with music.")
    response = page(offer["login"]).post(f"/provider/changes/{change.pk}/")
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN
    assert audit_of(change) == ["create", "withdraw"]
    propose(offer, description="Now with music and dance.")


def test_another_provider_cannot_see_or_withdraw_a_change(offer):
    change = propose(offer, description="Now with music.")
    assert page(offer["other_login"]).get(f"/provider/changes/{change.pk}/").status_code == 404
    listed = api(offer["other_login"]).get("/api/v1/shortbreaks/service-changes/").json()
    assert listed["count"] == 0
    assert api(offer["login"]).get("/api/v1/shortbreaks/service-changes/").json()["count"] == 1
    assert api(offer["manager"]).get("/api/v1/shortbreaks/service-changes/").json()["count"] == 1


def test_a_new_service_is_made_on_approval_with_the_terms_staff_set(offer):
    response = api(offer["login"]).post(
        "/api/v1/shortbreaks/service-changes/",
        {"service": None, "values": {**EVERYTHING, "name": "Holiday Club"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    change = ServiceChange.objects.get(pk=response.json()["id"])
    assert not Service.objects.filter(name="Holiday Club").exists()
    url = f"/api/v1/shortbreaks/service-changes/{change.pk}/approve/"

    missing = api(offer["manager"]).post(url, {}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {"unit", "unit_cost", "capacity"}

    made = api(offer["manager"]).post(
        url, {"unit": "session", "unit_cost": "30.00", "capacity": 10}, format="json"
    )
    assert made.status_code == 200, made.json()
    service = Service.objects.get(name="Holiday Club")
    assert service.provider == offer["provider"]
    assert (service.unit_cost, service.capacity) == (Decimal("30.00"), 10)
    assert made.json()["service"] == service.pk


# Staff edits and checks --------------------------------------------------------------------


def test_staff_edit_a_service_directly_and_it_is_audited(offer):
    url = f"/local-offer/services/{offer['service'].pk}/edit/"
    assert page(offer["practitioner"]).get(url).status_code == 403
    browser = page(offer["manager"])
    assert browser.get(url).status_code == 200
    response = browser.post(
        url,
        {
            "name": "Saturday Club",
            "description": "Edited by the council.",
            "type": "day_activity",
            "access": "targeted",
            "min_age": "5",
            "max_age": "18",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(pk=offer["service"].pk)
    assert service.description == "Edited by the council."
    assert service.contacts.count() == 0  # cleared boxes remove a row
    [edit] = TransitionLog.objects.filter(transition="edited", subject_id=service.pk)
    assert "description" in edit.params["fields"]


def test_services_not_checked_for_a_year_are_listed_until_marked_as_checked(offer):
    ServiceFactory(name="Never checked", assured_on=None)
    old = ServiceFactory(name="Checked 13 months ago", assured_on=D(2025, 10, 20))
    ServiceFactory(name="Checked 2 months ago", assured_on=D(2026, 9, 24))
    browser = page(offer["manager"])

    html = browser.get("/local-offer/not-checked/").content.decode()

    assert "Never checked" in html
    assert "Checked 13 months ago" in html
    assert "Checked 2 months ago" not in html
    response = browser.post("/local-offer/not-checked/", {"service": old.pk})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.assured_on == D(2026, 11, 24)
    assert "marked_checked" in audit_of(old)
    html = browser.get("/local-offer/not-checked/").content.decode()
    assert ">Checked 13 months ago</th>" not in html
    assert ">Never checked</th>" in html


def test_a_practitioner_cannot_mark_a_service_as_checked(offer):
    with pytest.raises(NotPermitted):
        services.service_mark_checked(by=offer["practitioner"], service=offer["service"])
    assert page(offer["practitioner"]).get("/local-offer/not-checked/").status_code == 403


def test_the_review_page_reads_a_constant_number_of_queries(offer, django_assert_max_num_queries):
    change = propose(offer, description="Now with music.")
    browser = page(offer["manager"])
    with django_assert_max_num_queries(30):
        assert browser.get(f"/local-offer/changes/{change.pk}/").status_code == 200


# The demo ----------------------------------------------------------------------------------


def test_the_demo_proposal_waits_once_however_often_it_is_loaded(offer):
    offer["login"].email = "provider@example.org"
    offer["login"].save()
    assert waiting_change() == "1 change waiting for approval"
    assert waiting_change() == "1 change waiting for approval"
    change = ServiceChange.objects.get()
    assert change.status == ChangeStatus.PROPOSED
    assert len(change.values["contacts"]) == len(change.current["contacts"]) + 1
    assert change.values["description"] != change.current["description"]
    with pytest.raises(TransitionNotAllowed):
        propose(offer, description="Another.")


def test_a_decision_given_a_field_it_does_not_take_is_400_and_nothing_changes(offer):
    change = propose(offer, description="Now with music.")
    url = f"/api/v1/shortbreaks/service-changes/{change.pk}/"
    approve = api(offer["manager"]).post(f"{url}approve/", {"reason": "Fine."}, format="json")
    assert approve.status_code == 400
    assert "reason" in approve.json()["fields"]
    reject = api(offer["manager"]).post(
        f"{url}reject/", {"reason": "No.", "unit_cost": "5.00"}, format="json"
    )
    assert reject.status_code == 400
    assert "unit_cost" in reject.json()["fields"]
    by = api(offer["manager"]).post(f"{url}reject/", {"reason": "No.", "by": 1}, format="json")
    assert by.status_code == 400
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_provider_proposes_a_new_service_and_staff_set_its_terms_on_approval(offer):
    response = page(offer["login"]).post(
        "/provider/services/new/",
        {
            "name": "Holiday Club",
            "type": "holiday_scheme",
            "access": "targeted",
            "min_age": "5",
            "max_age": "12",
            "cost_options-0-option": "Per day",
            "cost_options-0-amount": "0",
        },
    )
    assert response.status_code == 302
    change = ServiceChange.objects.get()
    assert change.service is None
    assert change.provider == offer["provider"]
    browser = page(offer["manager"])
    review = browser.get(f"/local-offer/changes/{change.pk}/").content.decode()
    assert "Unit it is paid by" in review
    missing = browser.post(f"/local-offer/changes/{change.pk}/", {"decision": "approve"})
    assert missing.status_code == 400
    approved = browser.post(
        f"/local-offer/changes/{change.pk}/",
        {"decision": "approve", "unit": "session", "unit_cost": "40.00", "capacity": "20"},
    )
    assert approved.status_code == 302
    service = Service.objects.get(name="Holiday Club")
    assert service.cost_options.get().amount == Decimal("0.00")
    assert service.assured_on == D(2026, 11, 24)


def test_the_list_of_changes_reads_a_constant_number_of_queries(
    offer, django_assert_max_num_queries
):
    propose(offer, description="Now with music.")
    for index in range(5):
        service = ServiceFactory(provider=offer["provider"], name=f"Club {index}")
        services.service_change_propose(
            by=offer["login"],
            provider=offer["provider"],
            service=service,
            values={**values_of(service), "description": f"Club number {index}."},
        )
    with django_assert_max_num_queries(8):
        listed = api(offer["manager"]).get("/api/v1/shortbreaks/service-changes/").json()
    assert listed["count"] == 6


def test_a_staff_change_through_the_api_is_audited(offer):
    response = api(offer["manager"]).patch(
        f"/api/v1/shortbreaks/services/{offer['service'].pk}/",
        {"description": "Changed by the council."},
        format="json",
    )
    assert response.status_code == 200
    assert "edited" in audit_of(offer["service"])


def test_the_same_needs_ticked_in_another_order_are_no_change(offer):
    ServiceNeedFactory(service=offer["service"], need="sensory")
    ServiceNeedFactory(service=offer["service"], need="complex_health")

    with pytest.raises(InvalidParams) as refused:
        propose(offer, needs=["sensory", "complex_health", "autism"])

    assert "values" in refused.value.fields


def test_a_proposal_tells_the_staff_who_decide_and_nobody_else(offer):
    change = propose(offer, description="New words.")

    link = f"/local-offer/changes/{change.pk}/"
    told = Notification.objects.filter(kind="local_offer", link=link)
    assert set(told.values_list("recipient", flat=True)) == {
        offer["manager"].pk,
        offer["commissioner"].pk,
    }


def test_the_provider_hears_the_decision_and_the_reason_for_a_rejection(offer):
    approved = propose(offer, description="New words.")
    services.service_change_decide(by=offer["manager"], change=approved, decision="approve")
    rejected = propose(offer, description="Other words.")
    services.service_change_decide(
        by=offer["manager"], change=rejected, decision="reject", reason="Say when it opens."
    )

    heard = Notification.objects.filter(recipient=offer["login"], kind="local_offer")
    assert sorted(heard.values_list("subject", flat=True)) == [
        "Change approved: Saturday Club",
        "Change not approved: Saturday Club",
    ]
    assert "Say when it opens." in heard.get(subject__startswith="Change not").body
