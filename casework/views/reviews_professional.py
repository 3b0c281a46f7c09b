"""The review convener's page (DESIGN §3 "annual reviews run by the setting"): the meeting's
date and the day the report was sent, and the council's deadlines that follow from them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import TemplateView

from accounts.roles import Role
from casework import deadlines as due
from casework import selectors, services
from casework.models import EHCPlan, ReviewStatus
from casework.services import convening
from casework.views import RoleRequiredMixin
from workflows.acting import acting_user
from workflows.date_input import DatePartsField
from workflows.errors import InvalidParams, NotPermitted, WorkflowError
from workflows.forms import Form
from workflows.models import Deadline
from workflows.registry import registry


class MeetingForm(Form):
    meeting_on = DatePartsField(label="Date of the review meeting")


class ReportForm(Form):
    report_sent_on = DatePartsField(label="Date the review report was sent")


FORMS = {"meeting": (MeetingForm, "meeting_on"), "report": (ReportForm, "report_sent_on")}


class ConvenerReviewView(RoleRequiredMixin, TemplateView):
    roles = (Role.PROFESSIONAL,)
    template_name = "casework/professional/review.html"

    def plan(self) -> EHCPlan:
        if not hasattr(self, "_plan"):
            convened = selectors.plans_convened_by(acting_user(self.request))
            self._plan = get_object_or_404(convened.select_related("child"), pk=self.kwargs["pk"])
        return self._plan

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        plan = self.plan()
        review = plan.reviews.current().first()
        held = review is not None and review.status == ReviewStatus.HELD
        follow = [due.REVIEW_REPORT.value, due.REVIEW_DECISION.value]
        # Only what this review's meeting opened: earlier years' reviews have their own.
        deadlines = (
            list(
                Deadline.objects.for_subject(plan)
                .filter(kind__in=follow, opened_on=review.meeting_on)
                .order_by("due_on", "pk")
            )
            if held and review is not None
            else []
        )
        services.access_record(
            by=acting_user(self.request), child_id=plan.child_id, record=plan, via="page"
        )
        decision = registry.machine_for(EHCPlan).any_transition("maintain")
        return super().get_context_data(
            plan=plan,
            child=plan.child,
            review=review,
            held=held,
            deadlines=deadlines,
            meeting_form=kwargs.pop("meeting_form", None) or MeetingForm(prefix="meeting"),
            report_form=kwargs.pop("report_form", None) or ReportForm(prefix="report"),
            can_meet=plan.status == "final" and not held,
            decision_label=decision.custom["step"].label if decision else "",
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        which = request.POST.get("which", "")
        if which not in FORMS:
            return self.render_to_response(
                self.get_context_data(errors=[{"text": "Choose what to record."}]), status=400
            )
        form_class, field = FORMS[which]
        form = form_class(request.POST, prefix=which)
        bound = {f"{which}_form": form}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, **bound), status=400)
        record = (
            convening.review_meeting_record
            if which == "meeting"
            else convening.review_report_record
        )
        try:
            record(by=acting_user(request), plan=self.plan(), **{field: form.cleaned_data[field]})
        except InvalidParams as error:
            for name, texts in error.fields.items():
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)
            return self.render_to_response(self.get_context_data(form=form, **bound), status=400)
        except WorkflowError as error:
            status = 403 if isinstance(error, NotPermitted) else 409
            errors = [{"text": reason} for reason in error.reasons]
            return self.render_to_response(
                self.get_context_data(errors=errors, **bound), status=status
            )
        messages.success(
            request,
            "The review meeting has been recorded."
            if which == "meeting"
            else "The day the report was sent has been recorded.",
        )
        return redirect(reverse("casework:professional-review", args=[self.plan().pk]))


urlpatterns = [
    path(
        "professional/reviews/<int:pk>/", ConvenerReviewView.as_view(), name="professional-review"
    ),
]
