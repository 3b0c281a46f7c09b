"""API plumbing shared by every app: the error format, pagination and the transitions endpoints."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.models import User
from workflows.bounds import validate_date_in_bounds
from workflows.errors import (
    InvalidParams,
    NotPermitted,
    TransitionNotAllowed,
    UnknownTransition,
    WorkflowError,
)
from workflows.idempotency import idempotent
from workflows.inbox import notification_mark_read, notifications_of
from workflows.models import Notification
from workflows.selectors import transition_options
from workflows.services import transition
from workflows.text import forbidden_character, line_break_in

AnyModel = TypeVar("AnyModel", bound=models.Model)

WORKFLOW_STATUS = {
    TransitionNotAllowed: status.HTTP_409_CONFLICT,
    NotPermitted: status.HTTP_403_FORBIDDEN,
    UnknownTransition: status.HTTP_404_NOT_FOUND,
    InvalidParams: status.HTTP_400_BAD_REQUEST,
}

# DRF's own wording for these is terse; people reading the API deserve a sentence.
PLAIN_CODES = {"not_authenticated", "permission_denied", "not_found"}
PLAIN_DETAIL = {
    status.HTTP_401_UNAUTHORIZED: "Sign in first: send a session cookie or an API token.",
    status.HTTP_403_FORBIDDEN: "You do not have permission to do this.",
    status.HTTP_404_NOT_FOUND: "Not found.",
}


def error_body(detail: str, code: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"detail": detail, "code": code, "fields": fields or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as `{"detail", "code", "fields"}` (DESIGN §8), in JSON even when the
    request asked for a CSV, a spreadsheet or a PDF."""
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if isinstance(exc, WorkflowError):
        if isinstance(exc, InvalidParams):
            body = error_body(exc.detail, exc.code, exc.fields)
        else:
            body = error_body(exc.detail, exc.code) | {"reasons": exc.reasons} | exc.extra
        return Response(body, status=WORKFLOW_STATUS.get(type(exc), status.HTTP_409_CONFLICT))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        # Issue #10: a body in the wrong format is bad input like any other, a 400.
        detail = "Send the body as JSON, with the header Content-Type: application/json."
        return Response(error_body(detail, "unsupported_media_type"), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields: dict[str, Any] = (
            dict(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        )
        general = fields.get("non_field_errors")
        detail = str(general[0]) if general else "Check the highlighted fields and try again."
        response.data = error_body(detail, "invalid", fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        plain = PLAIN_DETAIL.get(response.status_code) if code in PLAIN_CODES else None
        response.data = error_body(plain or str(exc.detail), code)
    return response


class StrictCharField(serializers.CharField):
    """Text that must arrive as text: DRF would store `{"name": 2939219418}` as "2939219418",
    so a client sending the wrong field or a number where a name belongs would never know."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Enter this as text, in quotes.")
        # The JSON parser refuses these already; a multipart upload's fields come this way only.
        problem = forbidden_character(data)
        if problem:
            raise serializers.ValidationError(problem)
        return super().to_internal_value(data)


class SingleLineCharField(StrictCharField):
    """Text for one line — a name, a title, a relationship: a CR or LF in a child's name broke
    the statement download's header. Every model `CharField` is one line; `TextField`s (notes,
    reasons, plans) keep their line breaks."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        problem = line_break_in(text)
        if problem:
            raise serializers.ValidationError(problem)
        return text


class BoundedDateField(serializers.DateField):
    """A date inside `workflows.bounds`: 1 January 1900 to five years after today."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(validate_date_in_bounds)


class ModelSerializer(serializers.ModelSerializer[AnyModel]):
    """The base of the API's model serializers: text fields take only text, names take one line,
    dates are bounded."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: SingleLineCharField,
        models.TextField: StrictCharField,
        models.DateField: BoundedDateField,
    }


class TransitionOptionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    target = serializers.CharField()
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


TRANSITION_REQUEST = inline_serializer(
    name="TransitionRequest",
    fields={
        "note": StrictCharField(required=False, allow_blank=True, allow_null=True),
        "on": BoundedDateField(
            required=False,
            allow_null=True,
            help_text="The date it really happened; absent or null means today.",
        ),
    },
)


# Who acts is the signed-in user, never a body's say: `{"by": …}` would otherwise clash with the
# engine's own argument. (The record and the step's name are positional-only in the engine, so a
# body naming them is refused as a parameter the step does not take.)
RESERVED_PARAMS = frozenset({"by"})


class TransitionsMixin:
    """Adds `GET {resource}/{id}/transitions/` and `POST {resource}/{id}/transitions/{name}/`.

    The record comes from the viewset's own `get_object()`, so a record the user may not see is a
    404 before any state is checked. The answer to a POST is the viewset's serializer of the
    updated record. Extra body keys are the transition's parameters. A step may move money (a
    session delivered, a budget approved), so the POST honours `Idempotency-Key`.
    """

    @extend_schema(responses=TransitionOptionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        options = transition_options(record, request.user)  # type: ignore[arg-type]
        return Response(TransitionOptionSerializer(options, many=True).data)

    @idempotent
    @extend_schema(
        request=TRANSITION_REQUEST,
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, pattern="^[a-z_]+$")
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[a-z_]+)",
        url_name="apply-transition",
    )
    def apply_transition(
        self, request: Request, pk: str | None = None, name: str = ""
    ) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        params = dict(request.data)
        reserved = sorted(RESERVED_PARAMS & params.keys())
        if reserved:
            raise InvalidParams(
                {
                    key: ["This is set by Pathway, not by the request: remove it."]
                    for key in reserved
                }
            )
        # Only text or nothing: `false` or 0 is a wrong type, not an empty note.
        note = params.pop("note", None)
        note = "" if note is None else note
        if not isinstance(note, str):
            raise InvalidParams({"note": ["Enter the note as text."]})
        updated = transition(
            record,
            name,
            by=cast(User, request.user),
            note=note,
            on=params.pop("on", None),
            **params,
        )
        serializer = self.get_serializer(updated)  # type: ignore[attr-defined]
        return Response(serializer.data)


class NotificationSerializer(ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "created_at", "read_at", "email_status"]
        read_only_fields = fields


class NotificationViewSet(viewsets.ReadOnlyModelViewSet[Notification]):
    """The signed-in person's own notifications, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_fields = ["kind"]

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_of(cast(User, self.request.user)).order_by("-created_at", "-pk")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = notification_mark_read(
            by=cast(User, request.user), notification=self.get_object()
        )
        return Response(NotificationSerializer(notification).data)


notifications_router = DefaultRouter()
notifications_router.register("notifications", NotificationViewSet, basename="notification")
