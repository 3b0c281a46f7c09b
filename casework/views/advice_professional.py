"""A professional's pages for advice (DESIGN §3 "advisers answer in Pathway"): the requests made
of them with their due dates, and the answer page, which first shows what the other advisers on
the plan and the family have already said, so that nobody asks the family to tell it again.

Also the download of a document sent with advice, for everyone who may read that advice.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import Role
from casework import selectors, services
from casework.models.advice import AdviceRequest, AdviceStatus
from casework.services import advice as advice_services
from casework.services.documents import ALLOWED_WORDS
from casework.views import RoleRequiredMixin
from workflows import clock
from workflows.acting import acting_user
from workflows.forms import Form, input_rules
from workflows.views import ServiceFormView


class ProfessionalOnly(RoleRequiredMixin):
    roles = (Role.PROFESSIONAL,)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files in one input; each is checked by the documents service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class AnswerForm(Form):
    advice = forms.CharField(
        label="Your advice",
        widget=forms.Textarea,
        max_length=50_000,
        error_messages={"required": "Enter your advice."},
    )
    documents = MultipleFileField(
        label="Documents (optional)",
        required=False,
    )
    late_reason = forms.CharField(
        label="Why the advice is late",
        widget=forms.Textarea,
        max_length=5_000,
        required=False,
        help_text="The 6 weeks for this advice have passed.",
    )

    def __init__(self, *args: Any, late: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.PATHWAY_DOCUMENT_MAX_BYTES // (1024 * 1024)
        self.fields["documents"].help_text = f"{ALLOWED_WORDS.capitalize()}, up to {limit} MB each"
        if not late:
            del self.fields["late_reason"]


def _log_reads(request: HttpRequest, records: list[AdviceRequest]) -> None:
    services.access_record_many(
        by=acting_user(request),
        reads=[(record.plan.child_id, "advicerequest", record.pk) for record in records],
        via="page",
    )


class AdviceListView(ProfessionalOnly, TemplateView):
    template_name = "casework/professional/advice_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        records = list(selectors.advice_requests_of(acting_user(self.request)))
        _log_reads(self.request, records)
        return super().get_context_data(requests=records, received=AdviceStatus.RECEIVED, **kwargs)


class AdviceAnswerView(ProfessionalOnly, ServiceFormView):
    template_name = "casework/professional/advice_answer.html"
    title = "Give your advice"
    submit_label = "Send your advice"

    def record(self) -> AdviceRequest:
        if not hasattr(self, "_record"):
            # Someone else's request is not found, whoever's team the professional is in.
            mine = selectors.advice_requests_of(acting_user(self.request))
            self._record = get_object_or_404(mine, pk=self.kwargs["pk"])
        return self._record

    def late(self) -> bool:
        return clock.today() > self.record().due_on

    def get_form(self, form_class: Any = None) -> forms.Form:
        return input_rules(AnswerForm(**self.get_form_kwargs(), late=self.late()))

    def back_url(self) -> str:
        return reverse("casework:professional-advice")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        record = self.record()
        others = list(
            selectors.advice_requests_visible_to(acting_user(self.request))
            .filter(plan=record.plan_id, status=AdviceStatus.RECEIVED)
            .exclude(pk=record.pk)
            .prefetch_related("documents")
            .order_by("received_on", "pk")
        )
        _log_reads(self.request, [record, *others])
        return super().get_context_data(
            request_record=record,
            child=record.plan.child,
            family_views=record.plan.section_a.strip(),
            others=others,
            answered=record.status == AdviceStatus.RECEIVED,
            late=self.late(),
            **kwargs,
        )

    def perform(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        advice_services.advice_submit(
            by=acting_user(self.request),
            request=self.record(),
            advice=data["advice"],
            late_reason=data.get("late_reason", ""),
            documents=data["documents"],
        )
        messages.success(self.request, "Your advice has been sent. Thank you.")
        return redirect(self.back_url())


class AdviceDocumentView(RoleRequiredMixin, View):
    """A document sent with advice, as an attachment: never shown inline, so a file that is not
    what it claims cannot run in the page (DESIGN §3). Staff and professionals' downloads are in
    the access log."""

    roles = (Role.PRACTITIONER, Role.PROFESSIONAL)

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        visible = selectors.advice_documents_visible_to(acting_user(request))
        document = get_object_or_404(visible, pk=pk)
        services.access_record(
            by=acting_user(request), child_id=document.child_id, record=document, via="page"
        )
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, document.title)
        response["X-Content-Type-Options"] = "nosniff"
        return response


urlpatterns = [
    path("professional/advice/", AdviceListView.as_view(), name="professional-advice"),
    path(
        "professional/advice/<int:pk>/",
        AdviceAnswerView.as_view(),
        name="professional-advice-answer",
    ),
    path("documents/<int:pk>/advice/", AdviceDocumentView.as_view(), name="advice-document"),
]
