"""A child's chronology (DESIGN §3, §11): one list in date order of what happened — case notes,
the steps of the child's records in plain words, advice asked for and received — each with who
and when, as the reader may see it.

The chronology is a list of sources, one function each, taking the child and the audience and
giving entries in one query. Documents and letters join it as one more source each: nothing else
changes. Entries are sorted by the day things happened, then by when they were recorded (so two
entries on one day keep the order they were written in), then by source, so the order is stable.

Who sees what (DESIGN §9):
- staff of the child's team: everything, with the notes written on steps and the advice itself;
- professionals who see the child: notes shared with the team or the family, the steps of the
  child's case, plans and reviews, and that advice was asked for and received (what an adviser
  wrote is read on the advice request, where the adviser's own rules apply);
- the family: notes shared with them and the steps of their child's case, plans and reviews.
  Budget, panel and package steps, the council's internal records (consent overridden, moves
  between councils, Tribunal orders) and the notes staff write on a step are for staff only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import User
from casework import selectors, wording
from casework.models import Case, CaseNote, Child, EHCPlan, NoteVisibility, Review
from casework.models.advice import AdviceRequest
from casework.models.document import Document
from workflows.models import TransitionLog
from workflows.registry import Machine, registry, step_of


class Audience(StrEnum):
    STAFF = "staff"
    TEAM = "team"
    FAMILY = "family"


class EntryKind(StrEnum):
    NOTE = "note"
    STEP = "step"
    ADVICE = "advice"
    DOCUMENT = "document"


@dataclass(frozen=True)
class Entry:
    on: dt.date
    at: dt.datetime
    kind: str
    title: str
    text: str
    by: str | None
    source_type: str
    source_id: int
    # For a case note's page entry: who was present, and the note it corrects.
    present: str = ""
    corrects: CaseNote | None = None
    note: CaseNote | None = None


def audience_of(user: User) -> Audience:
    if selectors.is_staff_member(user):
        return Audience.STAFF
    if selectors.is_professional(user):
        return Audience.TEAM
    return Audience.FAMILY


def chronology_child(user: User, pk: int) -> Child | None:
    """The child whose chronology the user may read, or None (not theirs, or no such child)."""
    return selectors.children_shared_with(user).filter(pk=pk).first()


def source_type(model: type[Model]) -> str:
    """The record's type as the API names it: `EHCPlan` → "ehc_plan", `CaseNote` → "case_note"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", model.__name__).lower()


def _name(user: User | None) -> str | None:
    return None if user is None else str(user)


NOTE_READERS = {
    Audience.STAFF: list(NoteVisibility.values),
    Audience.TEAM: [NoteVisibility.TEAM, NoteVisibility.FAMILY],
    Audience.FAMILY: [NoteVisibility.FAMILY],
}


def notes(child: Child, audience: Audience) -> Iterable[Entry]:
    rows = (
        CaseNote.objects.filter(child=child, visibility__in=NOTE_READERS[audience])
        .select_related("written_by", "corrects")
        .order_by("on", "created_at", "pk")
    )
    for note in rows:
        title = note.get_kind_display()
        if note.corrects is not None:
            title = f"{title}: corrects the note of {note.corrects.on:%-d %B %Y}"
        yield Entry(
            on=note.on,
            at=note.created_at,
            kind=EntryKind.NOTE,
            title=title,
            text=note.text,
            by=_name(note.written_by),
            source_type=source_type(CaseNote),
            source_id=note.pk,
            present=note.present,
            corrects=note.corrects,
            note=note,
        )


# The records whose steps everyone who reads the chronology sees; staff see the steps of every
# record of the child's with a machine, but a session's (one a week, each booked and delivered)
# would bury the rest, and advice has a source of its own.
SHARED_STEPS: tuple[type[Model], ...] = (Case, EHCPlan, Review)
NOT_STEPS: tuple[str, ...] = ("session", "advicerequest")


def _step_machines(audience: Audience) -> list[Machine]:
    if audience != Audience.STAFF:
        return [registry.machine_for(model) for model in SHARED_STEPS]
    return [
        machine
        for model, machine in registry.machines.items()
        if machine.child_lookups and model._meta.model_name not in NOT_STEPS
    ]


def step_title(machine: Machine, transition: str) -> str:
    model_name = str(machine.model._meta.model_name)
    words = wording.STEP_DONE.get((model_name, transition))
    if words:
        return words
    if transition == TransitionLog.CREATED:
        return f"{machine.label[:1].upper()}{machine.label[1:]} recorded"
    declared = machine.any_transition(transition)
    label = step_of(declared).label if declared else transition.replace("_", " ")
    return f"{machine.label[:1].upper()}{machine.label[1:]}: {label[:1].lower()}{label[1:]}"


def steps(child: Child, audience: Audience) -> Iterable[Entry]:
    machines = {
        ContentType.objects.get_for_model(machine.model).pk: machine
        for machine in _step_machines(audience)
    }
    on_records = Q(pk__in=[])
    for type_id, machine in machines.items():
        lookups = Q()
        for lookup in machine.child_lookups:
            lookups |= Q(**{lookup: child})
        records = machine.model._default_manager.filter(lookups).values("pk")
        subject = Q(subject_type_id=type_id, subject_id__in=records)
        if audience != Audience.STAFF:
            # Only the machine's own steps: audit rows of other changes are the council's.
            subject &= Q(transition__in=[TransitionLog.CREATED, *machine.names()])
        on_records |= subject
    rows = TransitionLog.objects.filter(on_records).select_related("actor").order_by("at", "pk")
    for row in rows:
        machine = machines[row.subject_type_id]
        yield Entry(
            on=row.effective_on,
            at=row.at,
            kind=EntryKind.STEP,
            title=step_title(machine, row.transition),
            text=row.note if audience == Audience.STAFF else "",
            by=_name(row.actor),
            source_type=source_type(machine.model),
            source_id=row.subject_id,
        )


def advice(child: Child, audience: Audience) -> Iterable[Entry]:
    if audience == Audience.FAMILY:
        return
    received = TransitionLog.objects.filter(
        subject_type=ContentType.objects.get_for_model(AdviceRequest),
        subject_id=OuterRef("pk"),
        transition="submit",
    ).order_by("-at")
    rows = (
        AdviceRequest.objects.filter(plan__child=child)
        .select_related("recorded_by", "adviser")
        .annotate(
            received_at=Subquery(received.values("at")[:1]),
            received_by=Subquery(received.values("actor__full_name")[:1]),
            received_by_email=Subquery(received.values("actor__email")[:1]),
        )
        .order_by("requested_on", "pk")
    )
    for request in rows:
        kind = request.get_kind_display()
        adviser = str(request.adviser) if request.adviser else request.adviser_email
        yield Entry(
            on=request.requested_on,
            at=request.created_at,
            kind=EntryKind.ADVICE,
            title=f"{kind} advice asked for",
            text=f"Asked of {adviser}; due by {request.due_on:%-d %B %Y}.",
            by=_name(request.recorded_by),
            source_type=source_type(AdviceRequest),
            source_id=request.pk,
        )
        if request.received_on is not None:
            yield Entry(
                on=request.received_on,
                at=request.received_at or request.created_at,
                kind=EntryKind.ADVICE,
                title=f"{kind} advice received",
                text=request.advice if audience == Audience.STAFF else f"From {adviser}.",
                by=request.received_by or request.received_by_email,
                source_type=source_type(AdviceRequest),
                source_id=request.pk,
            )


def documents(child: Child, audience: Audience) -> Iterable[Entry]:
    """Documents put on the child's record, dated the day they were added; a document is shared
    as a case note is (staff, the team, the family)."""
    rows = (
        Document.objects.filter(child=child, visibility__in=NOTE_READERS[audience])
        .select_related("uploaded_by")
        .order_by("created_at", "pk")
    )
    for document in rows:
        yield Entry(
            on=timezone.localdate(document.created_at),
            at=document.created_at,
            kind=EntryKind.DOCUMENT,
            title=f"Document added: {document.title}",
            text=document.get_kind_display(),
            by=_name(document.uploaded_by),
            source_type=source_type(Document),
            source_id=document.pk,
        )


Source = Callable[[Child, Audience], Iterable[Entry]]
SOURCES: dict[str, Source] = {
    EntryKind.NOTE: notes,
    EntryKind.STEP: steps,
    EntryKind.ADVICE: advice,
    EntryKind.DOCUMENT: documents,
}
KIND_LABELS = {
    EntryKind.NOTE: "Case notes",
    EntryKind.STEP: "Steps",
    EntryKind.ADVICE: "Advice",
    EntryKind.DOCUMENT: "Documents",
}


def kinds_for(audience: Audience) -> set[str]:
    """The kinds of entry this audience can find: advice is never in the family's."""
    return set(SOURCES) - {EntryKind.ADVICE} if audience == Audience.FAMILY else set(SOURCES)


def chronology(child: Child, *, audience: Audience, kinds: Iterable[str] = ()) -> list[Entry]:
    """The child's entries for this audience, oldest first; with `kinds`, those kinds only."""
    wanted = set(kinds) or set(SOURCES)
    entries = [
        entry
        for kind, source in SOURCES.items()
        if kind in wanted
        for entry in source(child, audience)
    ]
    return sorted(entries, key=lambda e: (e.on, e.at, e.source_type, e.source_id, e.title))


def case_timeline(case: Case) -> list[Entry]:
    """The case page's timeline: every step of the case and of the records linked to it (its
    plans and reviews), in plain words with who took it and their note, newest first by the day
    it happened, across records. For the council's staff, who alone see the case page."""
    entries = []
    for row in selectors.case_history(case):
        model = row.subject_type.model_class()
        machine = registry.machines.get(model) if model is not None else None
        title = (
            step_title(machine, row.transition)
            if machine is not None
            else row.transition.replace("_", " ").capitalize()
        )
        entries.append(
            Entry(
                on=row.effective_on,
                at=row.at,
                kind=EntryKind.STEP,
                title=title,
                text=row.note,
                by=_name(row.actor),
                source_type=source_type(model) if model is not None else "",
                source_id=row.subject_id,
            )
        )
    return sorted(entries, key=lambda e: (e.on, e.at, e.source_id), reverse=True)
