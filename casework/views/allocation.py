"""Allocating or reassigning a case (DESIGN §1, §11): a team manager chooses the lead
professional among the staff of the child's team, seeing how many open cases each already has."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from accounts.models import User
from accounts.roles import Role
from casework import services
from casework.allocation_reads import staff_of_case_team
from casework.services.owners import CLOSED_NOT_ALLOCATED, case_change_lead_professional
from casework.views import CaseFormView
from casework.views.exceptions import ManagerWrites
from workflows.acting import acting_user
from workflows.forms import Form

MANAGERS_ALLOCATE = "A team manager allocates cases."


def cases_phrase(count: int) -> str:
    return "1 open case" if count == 1 else f"{count} open cases"


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Each person with the caseload they already carry, so the choice can be a fair one."""

    current: int | None = None

    def label_from_instance(self, obj: Any) -> str:
        person = cast(User, obj)
        label = f"{person.get_full_name()}: {cases_phrase(getattr(person, 'open_cases', 0))}"
        return f"{label} (the lead professional now)" if person.pk == self.current else label


class AllocationForm(Form):
    lead_professional = StaffChoiceField(
        label="Who will be the lead professional?",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        help_text="The practitioners and team managers of the child's team, with the open "
        "cases each leads.",
        error_messages={
            "required": "Choose who will be the lead professional.",
            "invalid_choice": "Choose someone in the child's team.",
        },
    )


class AllocationView(ManagerWrites, CaseFormView):
    form_class = AllocationForm
    template_name = "casework/allocation.html"
    title = "Allocate or reassign the case"
    submit_label = "Allocate the case"
    refusal = MANAGERS_ALLOCATE

    def the_record(self) -> Any:
        return self.case()

    def why_not(self) -> str:
        if not acting_user(self.request).has_role(Role.TEAM_MANAGER):
            return MANAGERS_ALLOCATE
        return CLOSED_NOT_ALLOCATED if not self.case().is_open else ""

    def not_now(self) -> str:
        return "" if self.case().is_open else CLOSED_NOT_ALLOCATED

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = super().get_form(form_class)
        field = cast(StaffChoiceField, form.fields["lead_professional"])
        field.queryset = staff_of_case_team(acting_user(self.request), self.case())
        field.current = self.case().lead_professional_id
        return form

    def get_initial(self) -> dict[str, Any]:
        return {"lead_professional": self.case().lead_professional_id}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        case = self.case()
        user = acting_user(self.request)
        services.access_record(by=user, child_id=case.child_id, record=case, via="page")
        return super().get_context_data(
            case=case, lead=case.lead_professional, why_not=self.why_not(), **kwargs
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        before = self.case().lead_professional_id
        chosen: User = form.cleaned_data["lead_professional"]
        case_change_lead_professional(
            by=acting_user(self.request), case=self.case(), lead_professional=chosen
        )
        name = chosen.get_full_name()
        if before == chosen.pk:
            messages.success(self.request, f"{name} is already the lead professional")
        elif before is None:
            messages.success(self.request, f"Case allocated to {name}")
        else:
            messages.success(self.request, f"Case reassigned to {name}")
        return redirect(self.back_url())
