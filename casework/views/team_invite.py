"""Staff invite a professional from another agency into a child's team, from the case page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from accounts import selectors as accounts
from accounts.models import ConsentAgency, Organisation, Profession
from casework import selectors
from casework.models import Child, TeamPart
from casework.services.professionals import professional_invite
from casework.views import StaffOnly, case_url
from workflows.acting import acting_user
from workflows.errors import InvalidParams
from workflows.forms import Form
from workflows.views import ServiceFormView


class InviteForm(Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        help_text="The school, college, health service or other body they work for. If it is "
        "not in the list, ask the system administrator to add it.",
        queryset=Organisation.objects.none(),  # the user's, given to the form
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation they work for.",
            "invalid_choice": "Choose one of the organisations in the list.",
        },
    )
    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the person's name."},
    )
    email = forms.EmailField(
        label="Work email address",
        help_text="The invitation goes to this address, and they will sign in with it.",
        max_length=254,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's work email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose a profession"), *Profession.choices],
        error_messages={"required": "Choose the person's profession."},
    )
    part = forms.ChoiceField(
        label="Their part in the team",
        widget=forms.RadioSelect,
        choices=TeamPart.choices,
        error_messages={"required": "Choose the part they play in the team."},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class TeamInviteView(StaffOnly, ServiceFormView):
    form_class = InviteForm
    title = "Invite a professional to the team"
    submit_label = "Send the invitation"

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            self._child = get_object_or_404(
                selectors.children_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
            )
        return self._child

    def back_url(self) -> str:
        case = (
            selectors.cases_visible_to(acting_user(self.request))
            .filter(child=self.child())
            .order_by("-pk")
            .first()
        )
        return case_url(case) if case else reverse("casework:caseload")

    def get_form_kwargs(self) -> dict[str, Any]:
        self.child()  # another team's child is a 404 before any form is read
        organisations = accounts.organisations_visible_to(acting_user(self.request))
        return {**super().get_form_kwargs(), "organisations": organisations}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        intro = (
            f"Someone new to {settings.PATHWAY_SERVICE_NAME} gets an email with a link to choose "
            f"their password, which works once, for {settings.PATHWAY_INVITATION_DAYS} days. "
            "Someone who already uses it is added to the team and told by email."
        )
        return super().get_context_data(caption=self.child().full_name, intro=intro, **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        child = self.child()
        try:
            invited = professional_invite(
                by=acting_user(self.request), child=child, **form.cleaned_data
            )
        except InvalidParams as error:
            # The one-key-worker rule names "key_worker"; on this page that is the part chosen.
            fields = {
                ("part" if name == "key_worker" else name): found
                for name, found in error.fields.items()
            }
            raise InvalidParams(fields, error.detail) from error
        name = invited.member.name
        if invited.invitation_sent:
            message = (
                f"{name} has been invited to {child.full_name}'s team. We have emailed them a "
                "link to choose their password."
            )
        else:
            message = (
                f"{name} has been added to {child.full_name}'s team. They already use "
                f"{settings.PATHWAY_SERVICE_NAME}, so we have told them by email."
            )
        if (
            not selectors.children_shared_with_professional(invited.member.user)
            .filter(pk=child.pk)
            .exists()
        ):
            # Told now, so the officer can ask the family rather than the professional finding a
            # page that says nothing is there.
            message += (
                f" They will see {child.given_name}'s record once the family gives consent for "
                f"{ConsentAgency(invited.member.organisation.consent_agency).label.lower()}."
                if invited.member.organisation
                else ""
            )
        messages.success(self.request, message)
        return redirect(self.back_url())
