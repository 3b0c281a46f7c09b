"""Documents on a child's record (DESIGN §3): `documents/` (a multipart upload, and the list a
reader may see), `documents/{id}/download/` (streamed, as an attachment, never sniffed) and
`documents/{id}/withdraw/`. None is ever deleted."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import STAFF_ROLES, Role
from casework import selectors, services
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    ScopedRelationsMixin,
)
from casework.documents import document_response, documents_visible_to, may_download
from casework.models import Document, DocumentKind, DocumentVisibility, Review
from casework.models.advice import AdviceRequest
from casework.services.documents import ALLOWED_TYPES, document_upload, document_withdraw
from workflows.acting import acting_user
from workflows.api import ModelSerializer
from workflows.filters import StrictFilterSet, WholeNumberFilter
from workflows.parsers import StrictJSONParser

UPLOADERS = (*STAFF_ROLES, Role.PROFESSIONAL, Role.FAMILY)
LINKS = ("case", "plan", "advice_request", "review")


class Withdrawn(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "The document was withdrawn."
    default_code = "withdrawn"


def _child_of(record: Any) -> int:
    if isinstance(record, AdviceRequest):
        return int(record.plan.child_id)
    if isinstance(record, Review):
        return int((record.plan or record.case).child_id)
    return int(record.child_id)


# "Document" is already the advice's own documents' component (casework.api.advice).
@extend_schema_serializer(component_name="ChildDocument")
class DocumentSerializer(ScopedRelationsMixin, ModelSerializer[Document]):
    scoped_relations = {
        "child": selectors.children_shared_with,
        "case": selectors.cases_readable_by,
        "plan": selectors.plans_readable_by,
        "advice_request": selectors.advice_requests_visible_to,
        "review": selectors.reviews_readable_by,
    }
    file = serializers.FileField(
        write_only=True,
        help_text="PDF, Word (.docx), OpenDocument text, JPEG, PNG or plain text, at most "
        "PATHWAY_DOCUMENT_MAX_BYTES (20 MB). Its type is read from its content.",
    )
    title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="What the document is; the file's own name when left out.",
    )
    visibility = serializers.ChoiceField(
        choices=DocumentVisibility.choices,
        help_text="Who besides the council's staff may see it: the team around the child, or "
        "the team and the family. Professionals share with the team or the family; a family "
        "adds its own views or evidence, shared with the family.",
    )
    uploaded_by = serializers.StringRelatedField(read_only=True)
    withdrawn = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "kind",
            "visibility",
            "content_type",
            "size",
            "child",
            *LINKS,
            "uploaded_by",
            "created_at",
            "withdrawn",
            "download",
            "file",
        ]
        read_only_fields = ["id", "content_type", "size", "uploaded_by", "created_at"]
        extra_kwargs = {name: {"required": False, "allow_null": True} for name in LINKS}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "by": {"type": "string", "description": "Staff only."},
                "reason": {"type": "string", "description": "Staff only."},
            },
        }
    )
    def get_withdrawn(self, document: Document) -> dict[str, Any] | None:
        if document.withdrawn_at is None:
            return None
        withdrawn = {"at": serializers.DateTimeField().to_representation(document.withdrawn_at)}
        request = self.context.get("request")
        if request is not None and selectors.is_staff_member(request.user):
            # Who withdrew it and why is the council's own note, not the family's or the team's.
            withdrawn |= {"by": str(document.withdrawn_by), "reason": document.withdraw_reason}
        return withdrawn

    @extend_schema_field(OpenApiTypes.STR)
    def get_download(self, document: Document) -> str:
        return reverse("document-download", args=[document.pk])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        child = attrs.get("child")
        # A record of another child is as unknown as a missing one: its child is not named.
        wrong = {
            name: [
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(
                    pk_value=attrs[name].pk
                )
            ]
            for name in LINKS
            if attrs.get(name) is not None and child is not None
            if _child_of(attrs[name]) != child.pk
        }
        if wrong:
            raise serializers.ValidationError(wrong)
        return super().validate(attrs)


@extend_schema_serializer(component_name="DocumentWithdraw")
class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=5_000, help_text="Why it is withdrawn.")


class DocumentFilter(StrictFilterSet):
    child = WholeNumberFilter(field_name="child_id")
    plan = WholeNumberFilter(field_name="plan_id")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)

    class Meta:
        model = Document
        fields = ["child", "plan", "kind"]


class DocumentViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Document],
):
    """Documents on the children the user may see, oldest first: staff of the child's team see
    them all, professionals the child is shared with (with consent) those shared with the team or
    the family, the family those shared with them. A withdrawn document stays, marked with who
    withdrew it, when and why; only staff still download it (410 for everyone else)."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    write_roles = {"create": UPLOADERS, "withdraw": UPLOADERS}
    queryset = Document.objects.none()

    def get_queryset(self) -> QuerySet[Document]:
        return documents_visible_to(acting_user(self.request)).order_by("created_at", "pk")

    def get_parsers(self) -> list[Any]:
        # A file comes as multipart; everything else as JSON.
        if self.request is not None and self.request.method == "POST" and self.detail is False:
            return [MultiPartParser(), StrictJSONParser()]
        return super().get_parsers()

    @extend_schema(request={"multipart/form-data": DocumentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Document]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = document_upload(
            by=acting_user(self.request),
            upload=data.pop("file"),
            title=data.pop("title", ""),
            **data,
        )

    @extend_schema(
        responses={
            # The stored type, one of those an upload may have.
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file, as an attachment."
                )
                for content_type in ALLOWED_TYPES
            },
            410: OpenApiResponse(description="Withdrawn: only staff still download it."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        user = acting_user(request)
        document = self.get_object()
        if not may_download(user, document):
            raise Withdrawn()
        services.access_record(by=user, child_id=document.child_id, record=document, via="api")
        return document_response(document)

    @extend_schema(request=WithdrawSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        document = self.get_object()
        # The service checks who may withdraw before it reads the reason: one who may not is
        # told so whatever they sent.
        reason = request.data.get("reason") if hasattr(request.data, "get") else None
        withdrawn = document_withdraw(
            by=acting_user(request),
            document=document,
            reason=reason if isinstance(reason, str) else "",
        )
        return Response(self.get_serializer(withdrawn).data)


def register(router: Any) -> None:
    router.register("documents", DocumentViewSet, basename="document")
