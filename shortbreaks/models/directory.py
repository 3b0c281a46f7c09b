"""The local offer as a directory: providers, their services and what a family needs to know to
use one (who it is for, how to apply, costs, when and where it runs, whom to contact).

Every record published through the Open Referral UK API carries a stable UUID of its own, so that
other directories can follow it across releases; database integers are never published.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from budgets.models import money_field
from workflows.templatetags.govuk import money


def published_id() -> Any:
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


class ProviderKind(models.TextChoices):
    COUNCIL = "council", "Council in-house service"
    VOLUNTARY = "voluntary", "Voluntary sector"
    PRIVATE = "private", "Private provider"
    FOSTER_CARER_SCHEME = "foster_carer_scheme", "Family-based (foster carer) scheme"


class Provider(models.Model):
    uuid = published_id()
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    kind = models.CharField(max_length=30, choices=ProviderKind.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="providers",
        help_text="Provider logins who may see bookings and record what was delivered.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.TextChoices):
    DAY_ACTIVITY = "day_activity", "Day activities"
    AFTER_SCHOOL = "after_school", "After-school clubs"
    HOLIDAY_SCHEME = "holiday_scheme", "Holiday schemes"
    SITTING_OR_HOME_SUPPORT = "sitting_or_home_support", "Sitting and support at home"
    FAMILY_BASED_OVERNIGHT = "family_based_overnight", "Overnight stays with a family-based carer"
    RESIDENTIAL_OVERNIGHT = "residential_overnight", "Overnight stays in a residential setting"
    LEISURE_INCLUSION = "leisure_inclusion", "Inclusive leisure"


class Access(models.TextChoices):
    UNIVERSAL = "universal", "Open to everyone"
    TARGETED = "targeted", "Targeted: no assessment needed"
    SPECIALIST = "specialist", "Specialist: after an assessment"


class Unit(models.TextChoices):
    SESSION = "session", "session"
    HOUR = "hour", "hour"
    NIGHT = "night", "night"


def price_per_unit(cost: Decimal, unit: str) -> str:
    """£25.00 a session, £18.50 an hour, £95.00 a night: how every page prices a unit."""
    article = "an" if unit == Unit.HOUR else "a"
    return f"{money(cost)} {article} {unit}"


def units_of(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


class Service(models.Model):
    """A service of the local offer; the list is the short breaks services statement."""

    uuid = published_id()
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    eligibility = models.TextField(blank=True, help_text="Who the service is for.")
    how_to_apply = models.TextField(
        blank=True, help_text="How a family applies or is referred, in the provider's words."
    )
    accessibility = models.TextField(
        blank=True, help_text="Access for wheelchairs, changing places, quiet rooms and so on."
    )
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True)
    temporarily_closed = models.BooleanField(default=False)
    alert = models.CharField(
        max_length=500, blank=True, help_text="A notice shown with the service, such as a closure."
    )
    assured_on = models.DateField(
        null=True, blank=True, help_text="The day someone last checked this information was right."
    )
    updated_at = models.DateTimeField(auto_now=True)
    type = models.CharField(max_length=30, choices=ServiceType.choices)
    access = models.CharField(max_length=20, choices=Access.choices)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    unit_cost = money_field()
    capacity = models.PositiveSmallIntegerField(help_text="Children who can attend on one day.")
    min_age = models.PositiveSmallIntegerField(default=0)
    max_age = models.PositiveSmallIntegerField(default=25)
    no_show_charged = models.BooleanField(
        default=False, help_text="Under the provider's terms, a no-show is paid for."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["type", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gt=0), name="service_cost_positive"),
            models.CheckConstraint(
                condition=Q(max_age__gte=models.F("min_age")), name="service_ages_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    @property
    def published_status(self) -> str:
        """The Open Referral UK status: withdrawn services are inactive, paused ones say so."""
        if not self.active:
            return "inactive"
        return "temporarily closed" if self.temporarily_closed else "active"

    @property
    def price(self) -> str:
        return price_per_unit(self.unit_cost, self.unit)

    @property
    def setting(self) -> str:
        """Residential only for residential overnight stays; everything else is not."""
        return (
            "residential" if self.type == ServiceType.RESIDENTIAL_OVERNIGHT else "non_residential"
        )


class Need(models.TextChoices):
    """The needs a service is set up to meet, as families describe them: the directory's filter and
    the Pathway 'needs served' taxonomy of the Open Referral UK API."""

    AUTISM = "autism", "Autism"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    PHYSICAL_DISABILITY = "physical_disability", "Physical disability"
    SENSORY = "sensory", "Hearing or sight loss"
    COMPLEX_HEALTH = "complex_health", "Complex health needs"
    SEMH = "semh", "Social, emotional and mental health"
    SPEECH_LANGUAGE = "speech_language", "Speech, language and communication"


class ServiceNeed(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="needs")
    need = models.CharField(max_length=30, choices=Need.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "need"], name="service_need_once"),
        ]

    def __str__(self) -> str:
        return self.get_need_display()


class Contact(models.Model):
    """A published contact for a service: a role or a named person at the provider, never a child
    or a family."""

    uuid = published_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class CostOption(models.Model):
    """What a family pays, if anything: an amount of 0 is a free option. (The unit cost on the
    service is what a personal budget or the council pays the provider.)"""

    uuid = published_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=200, help_text="Such as 'Per session'.")
    amount = money_field(default=Decimal("0.00"))
    amount_description = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_option_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.option}: {money(self.amount)}"


class Weekday(models.TextChoices):
    """iCalendar BYDAY codes, as Open Referral UK schedules carry them."""

    MO = "MO", "Monday"
    TU = "TU", "Tuesday"
    WE = "WE", "Wednesday"
    TH = "TH", "Thursday"
    FR = "FR", "Friday"
    SA = "SA", "Saturday"
    SU = "SU", "Sunday"


def validate_byday(value: str) -> None:
    days = value.split(",") if value else []
    if not days or any(day not in Weekday.values for day in days) or len(set(days)) != len(days):
        raise ValidationError("Give the days as MO,TU,WE,TH,FR,SA,SU codes, each once.")


class Schedule(models.Model):
    """When a service runs: weekly on some days, between two times, within optional dates."""

    uuid = published_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(max_length=20, validators=[validate_byday])
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{', '.join(self.days)} {self.description}".strip()

    @property
    def days(self) -> list[str]:
        labels = dict(Weekday.choices)
        return [labels[code] for code in self.byday.split(",") if code in labels]


class Location(models.Model):
    """A place services are delivered: shared by the services that run there."""

    uuid = published_id()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    address_1 = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accessibility = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"


class ServiceAtLocation(models.Model):
    uuid = published_id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="services_here")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} at {self.location.name}"
