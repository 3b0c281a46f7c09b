"""The child and the people around them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from casework.models.choices import PrimaryNeed
from workflows import clock


def validate_nhs_number(value: str) -> None:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError("Enter an NHS number of 10 digits, like 943 476 5919.")
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValidationError("This is not a valid NHS number: check the digits.")


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on `day`; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


class Child(models.Model):
    """A disabled child or young person aged 0 to 25. Age is derived, never stored."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    nhs_number = models.CharField(
        "NHS number", max_length=12, blank=True, validators=[validate_nhs_number]
    )
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    primary_need = models.CharField(max_length=4, choices=PrimaryNeed.choices)
    disabilities = models.JSONField(default=list, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    ward = models.CharField(max_length=80, blank=True)
    # As the family or referrer names it: many settings a child attends (a childminder, a school
    # in another council) have no organisation in Pathway.
    school = models.CharField("school, college or nursery", max_length=200, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The team responsible for the child; its staff may see the record.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["team", "family_name"], name="child_team_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: dt.date) -> int:
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int:
        return self.age_on(clock.today())


class FamilyMember(models.Model):
    """A parent, carer or the young person themself; `user` is their login, if they have one."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family_members")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="family_links",
    )

    class Meta:
        ordering = ["child", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship} of {self.child})"
