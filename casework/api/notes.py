"""Case notes and a child's chronology: `case-notes/` (add, list, read; never changed or
deleted) and `children/{id}/chronology/`."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from casework import chronology as chron
from casework import selectors
from casework.api.access import (
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    ScopedRelationsMixin,
    nested_read,
)
from casework.models import CaseNote, CaseNoteKind, NoteVisibility
from casework.services.notes import case_note_add
from workflows.acting import acting_user
from workflows.api import ModelSerializer
from workflows.errors import InvalidParams
from workflows.filters import StrictFilterSet, WholeNumberFilter


class CaseNoteSerializer(ScopedRelationsMixin, ModelSerializer[CaseNote]):
    scoped_relations = {
        "child": selectors.children_shared_with,
        "corrects": selectors.case_notes_visible_to,
    }
    written_by = serializers.StringRelatedField(read_only=True)
    visibility = serializers.ChoiceField(
        choices=NoteVisibility.choices,
        default=NoteVisibility.TEAM,
        help_text="Who besides the council's staff reads the note: the team around the child "
        "(the default), or the team and the family. Staff may keep a note to staff only.",
    )

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "child",
            "kind",
            "on",
            "text",
            "present",
            "visibility",
            "corrects",
            "written_by",
            "created_at",
        ]
        read_only_fields = ["id", "written_by", "created_at"]
        extra_kwargs = {
            "corrects": {"required": False, "allow_null": True},
            # as the note form's: a note is a record of an event, not a document (upload those)
            "text": {"max_length": 20_000},
        }


class CaseNoteFilter(StrictFilterSet):
    child = WholeNumberFilter(field_name="child_id")
    kind = django_filters.ChoiceFilter(choices=CaseNoteKind.choices)

    class Meta:
        model = CaseNote
        fields = ["child", "kind"]


class CaseNoteViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[CaseNote],
):
    """Notes on the children the user may read, oldest first: staff of the child's team read
    them all, professionals those shared with the team, families those shared with them. Staff
    and professionals who see the child add them; none is ever changed or deleted — a mistake is
    put right by a later note that `corrects` it."""

    serializer_class = CaseNoteSerializer
    filterset_class = CaseNoteFilter
    write_roles = {"create": (*STAFF_ROLES, Role.PROFESSIONAL)}
    queryset = CaseNote.objects.none()

    def get_queryset(self) -> QuerySet[CaseNote]:
        return (
            selectors.case_notes_visible_to(acting_user(self.request))
            .select_related("written_by")
            .order_by("on", "created_at", "pk")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[CaseNote]) -> None:
        serializer.instance = case_note_add(
            by=acting_user(self.request), **serializer.validated_data
        )


class ChronologyEntrySerializer(serializers.Serializer[chron.Entry]):
    on = serializers.DateField()
    at = serializers.DateTimeField(help_text="When it was recorded: orders a day's entries.")
    kind = serializers.ChoiceField(choices=list(chron.KIND_LABELS.items()))
    title = serializers.CharField(help_text='What happened, in plain words ("Referral accepted").')
    text = serializers.CharField(help_text="The note, or what was written with the step.")
    by = serializers.CharField(allow_null=True, help_text="Who recorded it; null for Pathway.")
    source = serializers.SerializerMethodField()

    @extend_schema_field(
        inline_serializer(
            "ChronologySource",
            {"type": serializers.CharField(), "id": serializers.IntegerField()},
        )
    )
    def get_source(self, entry: chron.Entry) -> dict[str, Any]:
        return {"type": entry.source_type, "id": entry.source_id}


KINDS = OpenApiParameter(
    "kind",
    OpenApiTypes.STR,
    many=True,
    enum=list(chron.SOURCES),
    description="Only these kinds of entry; repeat it for more than one.",
)


class ChildChronologyViewSet(viewsets.GenericViewSet[Any]):
    """`children/{id}/chronology/`, beside the children's own routes."""

    queryset = CaseNote.objects.none()
    serializer_class = ChronologyEntrySerializer
    pagination_class = None

    @extend_schema(
        parameters=[KINDS],
        responses=ChronologyEntrySerializer(many=True),
        description="One list in date order, oldest first (within a day, in the order things "
        "were recorded), of the child's case notes, the steps of their records in plain words "
        "and the advice asked for and received, as far as the user may see them. Not "
        "paginated: a child's chronology is read whole, and built in one query per source.",
    )
    @action(detail=True, methods=["get"], url_path="chronology", url_name="chronology")
    def chronology(self, request: Request, pk: str | None = None) -> Response:
        user: User = acting_user(request)
        child = chron.chronology_child(user, int(pk)) if pk and pk.isdigit() else None
        if child is None:
            raise Http404
        kinds = request.query_params.getlist("kind")
        unknown = [kind for kind in kinds if kind not in chron.SOURCES]
        if unknown:
            raise InvalidParams(
                {"kind": [f"Choose from {', '.join(chron.SOURCES)}."]},
            )
        nested_read(request, child)
        entries = chron.chronology(child, audience=chron.audience_of(user), kinds=kinds)
        return Response(ChronologyEntrySerializer(entries, many=True).data, status.HTTP_200_OK)


def register(router: Any) -> None:
    """The routes of this module on the casework API's router."""
    router.register("case-notes", CaseNoteViewSet, basename="case-note")
    # Beside the children's own routes, under their basename so that the route is
    # "child-chronology" like "child-family-members". DRF refuses a basename twice to keep two
    # viewsets from making the same route names; this one makes only its action's route.
    router.registry.append(("children", ChildChronologyViewSet, "child"))
