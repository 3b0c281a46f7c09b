"""Pages for the team around the child and the family's consent (DESIGN §3, §11).

Staff of the child's team see the team, add a contact, change a member's part or end their
membership, and record consent given or withdrawn; the family gives or withdraws its own consent
from My child. Writes go through `casework.services.team`, which says why one is refused.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from accounts.models import ConsentAgency, Organisation, Profession
from accounts.roles import Role
from casework import selectors, services
from casework.models import Child, ConsentGivenBy, TeamMember, TeamPart
from casework.services.team import consent_record, team_member_add, team_member_change
from casework.views import RoleRequiredMixin, StaffOnly
from workflows import clock
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.forms import Form
from workflows.views import ServiceFormView

GIVEN_CHOICES = [("yes", "Consent given"), ("no", "Consent withdrawn")]

# What each agency's consent lets its professionals do, in the family's words.
AGENCY_MEANING = {
    ConsentAgency.EDUCATION: (
        "Staff from your child's school, college or early years setting who are in the team "
        "can read your child's record in Pathway, add notes and give advice."
    ),
    ConsentAgency.HEALTH: (
        "Health professionals in the team, such as a paediatrician, therapist or school nurse, "
        "can read your child's record in Pathway, add notes and give advice."
    ),
    ConsentAgency.SOCIAL_CARE: (
        "Social care, voluntary organisations and other councils' staff in the team can read "
        "your child's record in Pathway, add notes and give advice."
    ),
}


class TeamMemberForm(Form):
    """A named contact outside Pathway: professionals who sign in are invited instead."""

    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's name."}
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Not part of an organisation",
    )
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose a profession"), *Profession.choices],
        error_messages={"required": "Choose the person's profession."},
    )
    part = forms.ChoiceField(
        label="Their part in the team",
        choices=TeamPart.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's part in the team."},
    )
    email = forms.EmailField(label="E-mail address", required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    starts_on = DatePartsField(label="Date they joined the team")


class TeamMemberChangeForm(Form):
    part = forms.ChoiceField(
        label="Their part in the team",
        choices=TeamPart.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's part in the team."},
    )
    ends_on = DatePartsField(
        label="Date their membership ended",
        required=False,
        help_text="Leave it empty to keep them in the team. Today's date ends a professional's "
        "access to the record at once. For example, 27 3 2026",
    )


class ConsentForm(Form):
    agency = forms.ChoiceField(
        label="Which agency",
        choices=ConsentAgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agency."},
    )
    given = forms.ChoiceField(
        label="Consent",
        choices=GIVEN_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether consent was given or withdrawn."},
    )
    on = DatePartsField(label="Date it was given or withdrawn")
    by = forms.ChoiceField(
        label="Who gave or withdrew it",
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        help_text="A young person gives their own consent from the age of 16.",
        error_messages={"required": "Choose who gave or withdrew consent."},
    )


class FamilyConsentForm(Form):
    agency = forms.ChoiceField(
        label="Which agency",
        choices=ConsentAgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agency."},
    )
    given = forms.ChoiceField(
        label="Do you give consent",
        choices=[("yes", "Yes, I give consent"), ("no", "No, I withdraw consent")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you give or withdraw consent."},
    )


def consent_rows(child: Child) -> tuple[list[dict[str, Any]], list[Any]]:
    """Each agency with its standing consent, and the whole history, from one query."""
    history = list(selectors.consents_of(child).select_related("recorded_by"))
    standing = selectors.consents_standing(history, on=clock.today())
    rows = [
        {
            "agency": label,
            "consent": standing[value],
            "meaning": AGENCY_MEANING[ConsentAgency(value)],
        }
        for value, label in ConsentAgency.choices
    ]
    return rows, history


class ChildPage(ServiceFormView):
    """A page about one child of the user's own team: another team's child is a 404."""

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            user = acting_user(self.request)
            self._child = get_object_or_404(
                selectors.children_visible_to(user), pk=self.kwargs["pk"]
            )
            services.access_record(
                by=user, child_id=self._child.pk, record=self._child, via="page"
            )
        return self._child

    def team_url(self) -> str:
        return reverse("casework:child-team", args=[self.child().pk])

    def back_url(self) -> str:
        return self.team_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            caption=self.child().full_name,
            date_fields=[
                name
                for name, field in self.get_form_class().base_fields.items()
                if isinstance(field, DatePartsField)
            ],
            **kwargs,
        )

    def done(self, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect(self.team_url())


class ChildTeamPage(StaffOnly, ChildPage):
    """The team around the child: members past and present, consent per agency, and the form
    to add a contact."""

    form_class = TeamMemberForm
    template_name = "casework/team/team.html"
    title = "Team around the child"
    submit_label = "Add to the team"

    def back_url(self) -> str:
        cases = selectors.cases_visible_to(acting_user(self.request)).filter(child=self.child())
        latest = cases.order_by("-pk").first()
        return (
            reverse("casework:case", args=[latest.pk]) if latest else reverse("casework:caseload")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        child = self.child()
        members = list(selectors.team_of(child))
        today = clock.today()
        current = [m for m in members if m.ends_on is None or m.ends_on > today]
        consents, history = consent_rows(child)
        return super().get_context_data(
            child=child,
            current=current,
            past=[m for m in members if m not in current],
            key_worker=selectors.key_worker_of(members, on=today),
            consents=consents,
            history=history,
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        team_member_add(by=acting_user(self.request), child=self.child(), **form.cleaned_data)
        return self.done(f"{form.cleaned_data['name']} has been added to the team.")


class TeamMemberPage(StaffOnly, ChildPage):
    """Change one member's part, or end their membership."""

    form_class = TeamMemberChangeForm
    template_name = "casework/team/form.html"
    submit_label = "Save the change"

    def member(self) -> TeamMember:
        if not hasattr(self, "_member"):
            members = selectors.team_members_editable_by(acting_user(self.request))
            self._member = get_object_or_404(members, pk=self.kwargs["pk"])
        return self._member

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            member = self.member()
            self._child = member.child
            services.access_record(
                by=acting_user(self.request), child_id=member.child_id, record=member, via="page"
            )
        return self._child

    def get_initial(self) -> dict[str, Any]:
        return {"part": self.member().part, "ends_on": self.member().ends_on}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        member = self.member()
        ended = member.ends_on is not None and member.ends_on <= clock.today()
        self.title = f"Change {member.name}'s part or end their membership"
        return super().get_context_data(
            why_not="This membership has ended: add the person to the team again instead."
            if ended
            else "",
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        member = self.member()
        data = form.cleaned_data
        team_member_change(
            by=acting_user(self.request),
            member=member,
            part=data["part"],
            ends_on=data.get("ends_on"),
        )
        if data.get("ends_on"):
            return self.done(f"{member.name}'s membership of the team has ended.")
        return self.done(f"{member.name}'s part in the team has been changed.")


class ChildConsentPage(StaffOnly, ChildPage):
    """Record consent given or withdrawn, as the family told the team."""

    form_class = ConsentForm
    template_name = "casework/team/form.html"
    title = "Record consent given or withdrawn"
    submit_label = "Record consent"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.child()
        return super().get_context_data(
            intro="Withdrawing consent takes effect at once: that agency's professionals can no "
            "longer see the record, except advice already asked for under regulation 6 of the "
            "SEND Regulations 2014.",
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        consent_record(
            by=acting_user(self.request),
            child=self.child(),
            agency=data["agency"],
            given=data["given"] == "yes",
            on=data["on"],
            given_by=data["by"],
        )
        return self.done("The consent has been recorded.")


class MyChildConsentPage(RoleRequiredMixin, ServiceFormView):
    """The family gives or withdraws consent for each agency, from today."""

    roles = (Role.FAMILY,)
    form_class = FamilyConsentForm
    template_name = "casework/team/my_child_consents.html"
    title = "Sharing your child's record"
    submit_label = "Save"

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            children = selectors.children_visible_to(acting_user(self.request))
            self._child = get_object_or_404(children, pk=self.kwargs["pk"])
        return self._child

    def back_url(self) -> str:
        return reverse("casework:my-child")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        consents, _ = consent_rows(self.child())
        return super().get_context_data(child=self.child(), consents=consents, **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        consent = consent_record(
            by=acting_user(self.request),
            child=self.child(),
            agency=data["agency"],
            given=data["given"] == "yes",
            on=clock.today(),
        )
        word = "given" if consent.given else "withdrawn"
        messages.success(
            self.request, f"You have {word} consent for {consent.get_agency_display().lower()}."
        )
        return redirect(self.back_url())


urlpatterns = [
    path("children/<int:pk>/team/", ChildTeamPage.as_view(), name="child-team"),
    path("team-members/<int:pk>/", TeamMemberPage.as_view(), name="team-member"),
    path("children/<int:pk>/consents/", ChildConsentPage.as_view(), name="child-consents"),
    path("my-child/<int:pk>/consents/", MyChildConsentPage.as_view(), name="my-child-consents"),
]
