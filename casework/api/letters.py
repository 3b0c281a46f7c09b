"""Decision letters: `letters/?plan=` (DESIGN §3 "letters"). Read only: letters are written by
the plan's steps (`casework.services.letters`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from rest_framework import mixins, serializers, viewsets

from casework import services
from casework.api.access import AccessLoggedListMixin, AccessLoggedRetrieveMixin
from casework.letter_reads import letters_visible_to
from casework.models import Letter
from workflows.acting import acting_user
from workflows.api import ModelSerializer
from workflows.filters import StrictFilterSet, WholeNumberFilter


class LetterSerializer(ModelSerializer[Letter]):
    download = serializers.SerializerMethodField(help_text="The letter's PDF, as an attachment.")

    class Meta:
        model = Letter
        fields = ["id", "kind", "sent_on", "appeal_by", "document", "download"]
        read_only_fields = fields

    def get_download(self, letter: Letter) -> str:
        return reverse("casework:letter-download", args=[letter.pk])


class LetterFilter(StrictFilterSet):
    plan = WholeNumberFilter(field_name="plan_id")

    class Meta:
        model = Letter
        fields = ["plan"]


class LetterViewSet(
    AccessLoggedListMixin,
    AccessLoggedRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Letter],
):
    """The decision letters sent about the plans of the children whose shared record the user
    reads — staff of the child's team, the family, professionals in the child's team with the
    family's consent — oldest first. A plan's letters are few, so the list is not paged."""

    serializer_class = LetterSerializer
    filterset_class = LetterFilter
    pagination_class = None
    queryset = Letter.objects.none()

    def get_queryset(self) -> QuerySet[Letter]:
        return letters_visible_to(acting_user(self.request)).order_by("sent_on", "pk")

    def access_reads(self, rows: Any) -> Iterable[services.Read]:
        return ((letter.plan.child_id, "letter", letter.pk) for letter in rows)
