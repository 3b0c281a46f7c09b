from __future__ import annotations

import hashlib
import unicodedata
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.roles import ROLES_INCLUDED, Role


def normalise_email(address: str) -> str:
    """The one spelling of an e-mail address that Pathway stores, looks up and counts failed
    sign-ins against: `Name@Example.ORG `, `NAME@example.org` and `name@example.org` are one
    person. Compatibility-normalised too, so a full-width look-alike is the same address."""
    return unicodedata.normalize("NFKC", address).strip().lower()


class NormalisedEmailField(models.EmailField):  # type: ignore[type-arg]
    """An address field that normalises before it validates, so that `createsuperuser` and
    model validation accept ` Name@Example.org ` as the address it stands for."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_email(value) if isinstance(value, str) else value


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return normalise_email(email or "")

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email or not normalise_email(email):
            raise ValueError("A user needs an email address")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, a family member, a provider or a commissioner.

    The e-mail address is the login. What a user may do comes from their role (a group, see
    `accounts.roles`) and, for staff, the teams they belong to.
    """

    email = NormalisedEmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)  # type: ignore[misc]  # a field, as in Django's own
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the Django admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # Addresses are stored normalised (`save`); this holds even for a row written
            # around the model, such as by a bulk update.
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_in_any_case",
                violation_error_message="A user with this email address already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        """Django calls this from `clean()`, so every model form (the admin's too) checks
        uniqueness against the normalised address."""
        return normalise_email(username) if isinstance(username, str) else username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email or "")
        # `set_password` keeps the new password here until the save; a rehash at sign-in does not.
        password_changed = getattr(self, "_password", None) is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from knox.models import AuthToken

            # A new password ends every API token: whoever had the old one must sign in again.
            # Browser sessions end by Django's session hash, which the password is part of.
            AuthToken.objects.filter(user=self).delete()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self) -> frozenset[str]:
        """The roles this user holds, with the roles each includes; cached per instance, and
        read from the annotations of `with_roles` when the user was loaded with them."""
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            held: set[str]
            if hasattr(self, ROLE_ANNOTATION + Role.PRACTITIONER):
                held = {role for role in Role.values if getattr(self, ROLE_ANNOTATION + role)}
            else:
                held = set(self.groups.values_list("name", flat=True))
            for role in list(held):
                held |= ROLES_INCLUDED.get(role, set())
            cached = frozenset(held)
            self._roles_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def primary_role(self) -> str | None:
        """The role that decides the user's start page: the most senior one they hold."""
        for role in (
            Role.TEAM_MANAGER,
            Role.PRACTITIONER,
            Role.COMMISSIONER,
            Role.PROFESSIONAL,
            Role.PROVIDER,
            Role.FAMILY,
        ):
            if role in self.roles:
                return role
        return None


class Team(models.Model):
    """A team of practitioners and managers; cases belong to a team.

    DESIGN §3 lists Team with casework, but it lives here: the engine in `workflows` sits below
    casework and must know a case's team to escalate an overdue deadline to its manager.
    """

    name = models.CharField(max_length=120, unique=True)
    members: models.ManyToManyField[User, TeamMembership] = models.ManyToManyField(
        User, through="TeamMembership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def managers(self) -> models.QuerySet[User]:
        return self.members.filter(groups__name=Role.TEAM_MANAGER).distinct()


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


ROLE_ANNOTATION = "holds_role_"


def with_roles(users: models.QuerySet[User]) -> models.QuerySet[User]:
    """Users with one flag per role, in the same query (an EXISTS each)."""
    memberships = User.groups.through.objects.filter(user_id=models.OuterRef("pk"))
    return users.annotate(
        **{
            ROLE_ANNOTATION + role: models.Exists(memberships.filter(group__name=role))
            for role in Role.values
        }
    )


class Agency(models.TextChoices):
    """The service an organisation belongs to (DESIGN §3): it decides which of the family's
    consents lets its professionals see a child (see `consent_agency`)."""

    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    VOLUNTARY = "voluntary", "Voluntary or community body"
    OTHER_COUNCIL = "other_council", "Another council"


class ConsentAgency(models.TextChoices):
    """The three agencies a family gives consent for (DESIGN §3 *Consent per agency*)."""

    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"


def consent_agency(agency: str) -> str:
    """The consent that covers an organisation's professionals. A voluntary body or another
    council works with a family as part of its care and support, so the family's consent to
    social care sharing is the one that covers them: DESIGN names only three consents."""
    if agency in ConsentAgency.values:
        return agency
    return ConsentAgency.SOCIAL_CARE


class Organisation(models.Model):
    """A school, college, early-years setting, NHS trust or practice, voluntary body or another
    council whose professionals work in children's teams around the child."""

    name = models.CharField(max_length=200, unique=True)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def consent_agency(self) -> str:
        return consent_agency(self.agency)


class Profession(models.TextChoices):
    SENCO = "senco", "SENCO"
    TEACHER = "teacher", "Teacher"
    EDUCATIONAL_PSYCHOLOGIST = "educational_psychologist", "Educational psychologist"
    PAEDIATRICIAN = "paediatrician", "Paediatrician"
    THERAPIST = "therapist", "Therapist"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other"


class Professional(models.Model):
    """What makes a user a professional from another agency: the organisation they work for
    and their profession. One organisation per account: someone who moves school is invited
    again by the new school's council contact, and the old school's access ends with them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="professional")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="professionals"
    )
    profession = models.CharField(max_length=30, choices=Profession.choices)

    class Meta:
        ordering = ["user__full_name", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_profession_display()}, {self.organisation})"


class InvitationState(models.TextChoices):
    OPEN = "open", "Open"
    USED = "used", "Used"
    EXPIRED = "expired", "Expired"


class Invitation(models.Model):
    """An e-mailed, single-use link that lets an invited professional choose their password.

    Only the SHA-256 of the link's token is kept, so a copy of the database opens no account.
    open → used (the password was chosen, or another of the person's links was used first) or
    → expired (`expires_at` passed, PATHWAY_INVITATION_DAYS after it was sent); neither leaves.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation of {self.user} ({self.state})"

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def state(self) -> InvitationState:
        if self.used_at is not None:
            return InvitationState.USED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.OPEN
