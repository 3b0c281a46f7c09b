"""The demo's directory: enough services of every kind to try each search and filter on."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from shortbreaks.models import Contact, Location, Service, ServiceType
from tests.factories import ProviderFactory, ServiceFactory
from tests.shortbreaks.test_directory_pages import names
from workflows import clock

pytestmark = pytest.mark.django_db


def test_the_demo_directory_has_every_type_from_several_providers_and_loads_once(client):
    call_command("load_demo", stdout=StringIO())
    services = Service.objects.filter(active=True)
    counts = (
        Service.objects.count(),
        Contact.objects.count(),
        Location.objects.count(),
        list(Service.objects.values_list("updated_at", flat=True).order_by("pk")),
    )

    call_command("load_demo", stdout=StringIO())

    assert services.count() >= 25
    assert {service.type for service in services} == set(ServiceType.values)
    assert services.values("provider").distinct().count() >= 5
    assert services.filter(temporarily_closed=True).exclude(alert="").count() == 1
    assert services.filter(min_age__gte=16, max_age=25).exists()
    assert services.filter(assured_on__lt=clock.today() - dt.timedelta(days=365)).count() >= 3
    assert all(service.contacts.exists() for service in services)
    districts = {place.postcode.split()[0] for place in Location.objects.all()}
    assert districts >= {"ME1", "ME2", "ME4", "ME7", "ME8"}
    assert names(client, "cost=free")
    assert names(client, "cost=charged")
    for kept in ["Saturday Club", "Home sitting service", "Inclusive swimming"]:
        assert services.filter(name=kept).exists()
    assert (
        Service.objects.count(),
        Contact.objects.count(),
        Location.objects.count(),
        list(Service.objects.values_list("updated_at", flat=True).order_by("pk")),
    ) == counts


def test_the_demo_fills_in_what_an_earlier_demos_service_lacks_and_keeps_what_it_has():
    ServiceFactory(
        name="Saturday Club",
        provider=ProviderFactory(name="Rochester Short Breaks", kind="voluntary"),
        description="Our own words.",
        eligibility="",
        assured_on=None,
    )

    call_command("load_demo", stdout=StringIO())

    club = Service.objects.get(name="Saturday Club")
    assert club.description == "Our own words."
    assert club.eligibility == "Disabled children aged 5 to 18 who live in Medway."
    assert club.assured_on is not None
    assert club.schedules.get().byday == "SA"
