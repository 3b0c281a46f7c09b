"""What every casework resource of the API shares: the access log of staff reads (DESIGN §9),
and related records looked up among those the requesting user may see."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, cast

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from casework import services
from casework.models import Assessment, Child, Referral, Review
from workflows.acting import acting_user
from workflows.models import Deadline


def record_child_id(record: Any) -> int:
    if isinstance(record, Review):
        return int((record.plan or record.case).child_id)
    if isinstance(record, (Referral, Assessment)):
        return int(record.case.child_id)
    if isinstance(record, Deadline):
        return cast(int, record.child_pk)  # annotated by selectors.with_child
    return int(record.child_id)


def read_of(record: Any) -> services.Read:
    child_id = record.pk if isinstance(record, Child) else record_child_id(record)
    return (child_id, type(record)._meta.model_name, record.pk)


class AccessReads:
    """What a response about these records shows, for the access log: one read per record."""

    def access_reads(self, rows: Any) -> Iterable[services.Read]:
        return (read_of(record) for record in rows)


class AccessLoggedRetrieveMixin(AccessReads):
    """Writes the access log for every staff read of one child-level record."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]
        services.access_record_many(
            by=acting_user(request), reads=self.access_reads([record]), via="api"
        )
        return Response(self.get_serializer(record).data)  # type: ignore[attr-defined]


class AccessLoggedListMixin(AccessReads):
    """Writes the access log for every child-level record a staff member's list page shows, in
    one INSERT: each record on the page, filtered or not, with its child (DESIGN §9)."""

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        if self.action == "list":  # type: ignore[attr-defined]
            shown = queryset if page is None else page
            services.access_record_many(
                by=acting_user(self.request),  # type: ignore[attr-defined]
                reads=self.access_reads(shown),
                via="api",
            )
        return page


def nested_read(request: Request, record: Any) -> None:
    """A nested resource (a child's family members, a case's history, a budget's ledger) is a
    read of the record it hangs from."""
    services.access_record_many(by=acting_user(request), reads=[read_of(record)], via="api")


class ScopedRelationsMixin:
    """Related records are looked up among those the requesting user may see, so a record of
    another team or family is "does not exist" (400), never found; some fields are fixed once
    the record exists."""

    scoped_relations: ClassVar[dict[str, Callable[[User], QuerySet[Any]]]] = {}
    fixed_after_create: ClassVar[tuple[str, ...]] = ()

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is not None:
            for name, visible_to in self.scoped_relations.items():
                fields[name].queryset = visible_to(cast(User, request.user))
        if self.instance is not None:  # type: ignore[attr-defined]
            for name in self.fixed_after_create:
                fields[name].read_only = True
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A fixed field sent again with its own value is fine (a client echoing the record);
        with another value it is refused, never silently ignored."""
        instance = self.instance  # type: ignore[attr-defined]
        given = getattr(self, "initial_data", {})
        if instance is not None and hasattr(given, "get"):
            current = self.to_representation(instance)  # type: ignore[attr-defined]
            changed = {
                name: ["This cannot be changed once the record exists."]
                for name in self.fixed_after_create
                if name in given and given.get(name) != current.get(name)
            }
            if changed:
                raise serializers.ValidationError(changed)
        validated: dict[str, Any] = super().validate(attrs)  # type: ignore[misc]
        return validated
