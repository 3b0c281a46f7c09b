"""A child's chronology as a page (DESIGN §11), for each reader: staff of the child's team, the
family on My child, and a professional who sees the child. Staff and professionals add case notes
from it, and correct one by adding another that names it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import TemplateView

from accounts.roles import Role
from casework import chronology as chron
from casework import selectors, services
from casework.models import CaseNote, CaseNoteKind, Child, NoteVisibility
from casework.services.notes import case_note_add
from casework.views import RoleRequiredMixin, StaffOnly
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.errors import InvalidParams, NotPermitted
from workflows.forms import Form, input_rules


class CaseNoteForm(Form):
    on = DatePartsField(label="Date of the note")
    kind = forms.ChoiceField(
        label="What kind of note is this",
        choices=CaseNoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of note this is."},
    )
    present = forms.CharField(
        label="Who was present (optional)",
        required=False,
        max_length=500,
        help_text="For example, Mum, the SENCO and Amelia.",
    )
    text = forms.CharField(
        label="What happened",
        widget=forms.Textarea,
        max_length=20_000,
        error_messages={"required": "Enter what happened."},
    )
    visibility = forms.ChoiceField(
        label="Who can read this note",
        choices=NoteVisibility.choices,
        widget=forms.RadioSelect,
        initial=NoteVisibility.TEAM,
        help_text="The council's staff in the child's team read every note.",
        error_messages={"required": "Choose who can read this note."},
    )
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            # A professional's note is shared with the team at least (casework.services.notes).
            field = self.fields["visibility"]
            field.choices = [  # type: ignore[attr-defined]
                choice for choice in NoteVisibility.choices if choice[0] != NoteVisibility.STAFF
            ]
            field.help_text = "The council's staff in the child's team read every note too."


class ChronologyPage(TemplateView):
    """What the three pages share: the child among those the reader may read (each role by its
    own rule, `children_readable_by`), the entries they may see filtered by kind (kept in the
    address), and for staff and professionals the note form."""

    template_name = "casework/chronology.html"
    can_add = False

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            user = acting_user(self.request)
            self._child = get_object_or_404(
                selectors.children_shared_with(user), pk=self.kwargs["pk"]
            )
            services.access_record(
                by=user, child_id=self._child.pk, record=self._child, via="page"
            )
        return self._child

    def back_url(self) -> str:
        return reverse("accounts:home")

    def kinds(self) -> list[str]:
        return [kind for kind in self.request.GET.getlist("kind") if kind in chron.SOURCES]

    def correcting(self) -> CaseNote | None:
        pk = self.request.GET.get("corrects") or self.request.POST.get("corrects") or ""
        if not pk.isdigit():
            return None
        notes = selectors.case_notes_visible_to(acting_user(self.request))
        return notes.filter(child=self.child(), pk=int(pk)).first()

    def make_form(self, data: Any = None) -> CaseNoteForm:
        staff = selectors.is_staff_member(acting_user(self.request))
        correcting = self.correcting()
        initial: dict[str, Any] = {"visibility": NoteVisibility.TEAM}
        if correcting is not None:
            initial = {"corrects": correcting.pk, "visibility": correcting.visibility}
        return input_rules(CaseNoteForm(data, staff=staff, initial=initial))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        child = self.child()
        user = acting_user(self.request)
        kinds = self.kinds()
        entries = chron.chronology(child, audience=chron.audience_of(user), kinds=kinds)
        if self.can_add:
            kwargs.setdefault("form", self.make_form())
        return super().get_context_data(
            child=child,
            entries=entries,
            kinds=kinds,
            kind_choices=[
                (kind, label)
                for kind, label in chron.KIND_LABELS.items()
                if kind in chron.kinds_for(chron.audience_of(user))
            ],
            can_add=self.can_add,
            correcting=self.correcting() if self.can_add else None,
            back_url=self.back_url(),
            **kwargs,
        )


class AddsNotes(ChronologyPage):
    """The chronology with the note form: a valid note is added and the page shown again; a
    refused one is shown with its errors, nothing saved."""

    can_add = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.add(form)
            except InvalidParams as error:
                for field, problems in error.fields.items():
                    # The note corrected is a hidden field: its error goes in the summary.
                    shown = field if field in form.fields and field != "corrects" else None
                    for problem in problems:
                        form.add_error(shown, problem)
            except NotPermitted as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, "The note has been added.")
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def add(self, form: CaseNoteForm) -> None:
        data = dict(form.cleaned_data)
        corrects = self.correcting() if data["corrects"] else None
        if data["corrects"] and corrects is None:
            raise InvalidParams(
                {"corrects": ["The note you are correcting is not one you can read."]}
            )
        case_note_add(
            by=acting_user(self.request), child=self.child(), **data | {"corrects": corrects}
        )


class StaffChronologyView(StaffOnly, AddsNotes):
    def back_url(self) -> str:
        user = acting_user(self.request)
        case = selectors.cases_visible_to(user).filter(child=self.child()).order_by("-pk").first()
        return reverse("casework:case", args=[case.pk]) if case else reverse("casework:caseload")


class FamilyChronologyView(RoleRequiredMixin, ChronologyPage):
    roles = (Role.FAMILY,)

    def back_url(self) -> str:
        return reverse("casework:my-child")


class ProfessionalChronologyView(RoleRequiredMixin, AddsNotes):
    roles = (Role.PROFESSIONAL,)

    def back_url(self) -> str:
        return reverse("casework:professional-child", args=[self.child().pk])


urlpatterns = [
    path("children/<int:pk>/chronology/", StaffChronologyView.as_view(), name="child-chronology"),
    path(
        "my-child/<int:pk>/chronology/",
        FamilyChronologyView.as_view(),
        name="my-child-chronology",
    ),
    path(
        "professional/children/<int:pk>/chronology/",
        ProfessionalChronologyView.as_view(),
        name="professional-chronology",
    ),
]
