"""Finding a child: the person search every staff page leads to from its header."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from casework import people_reads, selectors, services
from casework.forms import FamilyMemberForm
from casework.models import Child, FamilyMember
from casework.views import StaffOnly, case_url
from workflows.acting import acting_user
from workflows.views import ServiceFormView

# A search that finds more than this is too broad to read; the page says to narrow it.
MOST_SHOWN = 50


class PersonSearchView(StaffOnly, TemplateView):
    template_name = "casework/people/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        text = self.request.GET.get("q", "").strip()[:200]
        found = list(people_reads.children_found_by(user, text)[: MOST_SHOWN + 1]) if text else []
        services.access_record_many(
            by=user, reads=[(child.pk, "child", child.pk) for child in found], via="page"
        )
        return super().get_context_data(
            q=text, children=found[:MOST_SHOWN], more=len(found) > MOST_SHOWN, **kwargs
        )


def child_return_url(child: Child) -> str:
    """The child's newest case, where their family is shown; the caseload if they have none."""
    case = child.cases.order_by("-opened_on", "-pk").first()
    return case_url(case) if case else reverse("casework:caseload")


class FamilyMemberAddView(StaffOnly, ServiceFormView):
    form_class = FamilyMemberForm
    title = "Add a parent or carer"
    submit_label = "Add the parent or carer"

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            children = selectors.children_visible_to(acting_user(self.request))
            self._child = get_object_or_404(children, pk=self.kwargs["pk"])
        return self._child

    def back_url(self) -> str:
        return child_return_url(self.child())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(caption=self.child().full_name, **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        member = services.family_member_add(
            by=acting_user(self.request), child=self.child(), **form.cleaned_data
        )
        messages.success(self.request, f"{member.name} has been added to the family.")
        return redirect(self.back_url())


class FamilyMemberEditView(StaffOnly, ServiceFormView):
    form_class = FamilyMemberForm
    title = "Change a parent's or carer's details"
    submit_label = "Save the details"

    def member(self) -> FamilyMember:
        if not hasattr(self, "_member"):
            members = people_reads.family_members_editable_by(acting_user(self.request))
            self._member = get_object_or_404(members, pk=self.kwargs["pk"])
        return self._member

    def get_initial(self) -> dict[str, Any]:
        member = self.member()
        return {name: getattr(member, name) for name in FamilyMemberForm.base_fields}

    def back_url(self) -> str:
        return child_return_url(self.member().child)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(caption=self.member().child.full_name, **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        member = services.family_member_update(
            by=acting_user(self.request), member=self.member(), **form.cleaned_data
        )
        messages.success(self.request, f"{member.name}'s details have been saved.")
        return redirect(self.back_url())
