"""Documents on the child's pages (DESIGN §3, §11): the upload page for each reader who may add
one — staff of the child's team, a professional the child is shared with, the family (their own
views, section A "all about me") — and the download, by the same rules as the API's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views import View

from accounts.roles import Role
from casework import selectors, services
from casework.documents import document_response, documents_visible_to, may_download
from casework.models import Child, Document, DocumentKind, DocumentVisibility
from casework.services.documents import (
    ALLOWED_WORDS,
    FAMILY_KINDS,
    WITHDRAW_REFUSAL,
    document_upload,
    document_withdraw,
    may_withdraw,
)
from casework.views import RoleRequiredMixin, StaffOnly
from workflows.acting import acting_user
from workflows.forms import Form
from workflows.views import ServiceFormView


class DocumentForm(Form):
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="What the document is. Left empty, the file's name is used.",
    )
    kind = forms.ChoiceField(
        label="What kind of document is this",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of document this is."},
    )
    visibility = forms.ChoiceField(
        label="Who can see this document",
        choices=DocumentVisibility.choices,
        widget=forms.RadioSelect,
        help_text="The council's staff in the child's team see every document.",
        error_messages={"required": "Choose who can see this document."},
    )
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )

    def __init__(self, *args: Any, reader: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.PATHWAY_DOCUMENT_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"{ALLOWED_WORDS.capitalize()}, up to {limit} MB"
        kind, visibility = self.fields["kind"], self.fields["visibility"]
        if reader == "professional":
            # What the service allows (casework.services.documents.upload_refusal), offered.
            visibility.choices = [  # type: ignore[attr-defined]
                choice for choice in DocumentVisibility.choices if choice[0] != "staff"
            ]
        elif reader == "family":
            kind.choices = [  # type: ignore[attr-defined]
                choice for choice in DocumentKind.choices if choice[0] in FAMILY_KINDS
            ]
            kind.label = "What are you sending"
            kind.help_text = "Your views (all about me) or evidence, such as a report you hold."
            visibility.choices = [  # type: ignore[attr-defined]
                (DocumentVisibility.FAMILY, "You, the council's staff and the child's team")
            ]
            visibility.initial = DocumentVisibility.FAMILY
            visibility.widget = forms.HiddenInput()


class DocumentUploadPage(ServiceFormView):
    template_name = "casework/documents/new.html"
    title = "Add a document"
    submit_label = "Upload the document"
    reader = "staff"

    def child(self) -> Child:
        if not hasattr(self, "_child"):
            # Someone else's child, or one shared without consent, is not found.
            children = selectors.children_shared_with(acting_user(self.request))
            self._child = get_object_or_404(children, pk=self.kwargs["pk"])
        return self._child

    def get_form(self, form_class: Any = None) -> forms.Form:
        self.child()
        return super().get_form(form_class)

    def get_form_class(self) -> type[forms.Form]:
        reader = self.reader

        class Form(DocumentForm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, reader=reader, **kwargs)

        return Form

    def get_initial(self) -> dict[str, Any]:
        if self.reader == "family":
            return {"visibility": DocumentVisibility.FAMILY, "kind": DocumentKind.VIEWS}
        return {"visibility": DocumentVisibility.TEAM}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(child=self.child(), **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        document_upload(
            by=acting_user(self.request),
            child=self.child(),
            upload=data["file"],
            title=data["title"],
            kind=data["kind"],
            visibility=data["visibility"],
        )
        messages.success(self.request, "The document has been added.")
        return redirect(self.back_url())


class StaffDocumentUploadView(StaffOnly, DocumentUploadPage):
    def back_url(self) -> str:
        user = acting_user(self.request)
        case = selectors.cases_visible_to(user).filter(child=self.child()).order_by("-pk").first()
        return reverse("casework:case", args=[case.pk]) if case else reverse("casework:caseload")


class FamilyDocumentUploadView(RoleRequiredMixin, DocumentUploadPage):
    roles = (Role.FAMILY,)
    reader = "family"
    title = "Send us your views or a document"
    submit_label = "Send"

    def back_url(self) -> str:
        return reverse("casework:my-child")


class ProfessionalDocumentUploadView(RoleRequiredMixin, DocumentUploadPage):
    roles = (Role.PROFESSIONAL,)
    reader = "professional"

    def back_url(self) -> str:
        return reverse("casework:professional-child", args=[self.child().pk])


class WithdrawForm(Form):
    reason = forms.CharField(
        label="Why is the document being withdrawn",
        widget=forms.Textarea,
        max_length=5_000,
        help_text="The document stays on the record. Staff can still read it; nobody else can.",
        error_messages={"required": "Enter why the document is being withdrawn."},
    )


class DocumentWithdrawView(RoleRequiredMixin, ServiceFormView):
    """Withdraw a document with a reason: staff of the child's team, or whoever added it. Anyone
    else who sees the document is told why they cannot, not shown a form."""

    roles = (Role.PRACTITIONER, Role.PROFESSIONAL, Role.FAMILY)
    form_class = WithdrawForm
    title = "Withdraw a document"
    submit_label = "Withdraw the document"
    template_name = "casework/documents/withdraw.html"

    def document(self) -> Document:
        if not hasattr(self, "_document"):
            visible = documents_visible_to(acting_user(self.request))
            self._document = get_object_or_404(visible, pk=self.kwargs["pk"])
        return self._document

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Refused before the form is read: told why, never what the form lacked.
        user = acting_user(request)
        in_role = user.is_authenticated and any(user.has_role(role) for role in self.roles)
        if in_role and not may_withdraw(user, self.document()):
            context = self.get_context_data(form=None, errors=[{"text": WITHDRAW_REFUSAL}])
            return self.render_to_response(context, status=403)
        return super().dispatch(request, *args, **kwargs)

    def back_url(self) -> str:
        user, child = acting_user(self.request), self.document().child
        if selectors.is_staff_member(user):
            case = selectors.cases_visible_to(user).filter(child=child).order_by("-pk").first()
            return (
                reverse("casework:case", args=[case.pk]) if case else reverse("casework:caseload")
            )
        if selectors.is_professional(user):
            return reverse("casework:professional-child", args=[child.pk])
        return reverse("casework:my-child")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(document=self.document(), **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        document_withdraw(
            by=acting_user(self.request),
            document=self.document(),
            reason=form.cleaned_data["reason"],
        )
        messages.success(self.request, "The document has been withdrawn.")
        return redirect(self.back_url())


class DocumentDownloadView(RoleRequiredMixin, View):
    """A document as an attachment, for whoever it is shared with; withdrawn, it is gone (410)
    for everyone but staff. Staff and professionals' downloads are in the access log."""

    roles = (Role.PRACTITIONER, Role.PROFESSIONAL, Role.FAMILY)

    def get(self, request: HttpRequest, pk: int) -> FileResponse | HttpResponse:
        user = acting_user(request)
        document = get_object_or_404(documents_visible_to(user), pk=pk)
        if not may_download(user, document):
            return render(
                request, "casework/documents/withdrawn.html", {"document": document}, status=410
            )
        services.access_record(by=user, child_id=document.child_id, record=document, via="page")
        return document_response(document)


urlpatterns = [
    path(
        "children/<int:pk>/documents/new/",
        StaffDocumentUploadView.as_view(),
        name="document-new",
    ),
    path(
        "my-child/<int:pk>/documents/new/",
        FamilyDocumentUploadView.as_view(),
        name="my-child-document-new",
    ),
    path(
        "professional/children/<int:pk>/documents/new/",
        ProfessionalDocumentUploadView.as_view(),
        name="professional-document-new",
    ),
    path("documents/<int:pk>/download/", DocumentDownloadView.as_view(), name="document-download"),
    path("documents/<int:pk>/withdraw/", DocumentWithdrawView.as_view(), name="document-withdraw"),
]
