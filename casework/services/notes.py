"""The writer of case notes (DESIGN §3): a dated entry by staff of the child's team or by a
professional who sees the child. A note is never deleted or edited: a mistake is put right by a
later note that names the one it corrects, and both stay on the chronology."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from casework import selectors
from casework.models import CaseNote, CaseNoteKind, Child, NoteVisibility
from workflows import clock
from workflows.errors import InvalidParams, NotPermitted
from workflows.text import forbidden_character, line_break_in

# How widely each visibility shares a note: a correction is shared at least as widely as the
# note it corrects, so that nobody who read the mistake is left without the correction.
REACH = {NoteVisibility.STAFF: 0, NoteVisibility.TEAM: 1, NoteVisibility.FAMILY: 2}


def _may_write(by: User, child: Child) -> bool:
    if selectors.is_staff_member(by):
        return selectors.children_visible_to(by).filter(pk=child.pk).exists()
    return selectors.children_shared_with_professional(by).filter(pk=child.pk).exists()


def _check_text(*, text: str, present: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidParams({"text": ["Enter what happened."]})
    for field, value in (("text", text), ("present", present)):
        problem = forbidden_character(value)
        if problem:
            raise InvalidParams({field: [problem]})
    problem = line_break_in(present)
    if problem:
        raise InvalidParams({"present": [problem]})
    return text


def _check_date(child: Child, on: dt.date) -> None:
    if on > clock.today():
        raise InvalidParams({"on": ["The date of the note cannot be in the future."]})
    if on < child.date_of_birth:
        raise InvalidParams(
            {"on": [f"The date of the note cannot be before {child.given_name} was born."]}
        )


def _check_correction(by: User, child: Child, corrects: CaseNote, visibility: str) -> None:
    readable = selectors.case_notes_visible_to(by).filter(pk=corrects.pk).exists()
    if not readable or corrects.child_id != child.pk:
        raise InvalidParams({"corrects": ["Choose a note about this child that you can read."]})
    if REACH[NoteVisibility(visibility)] < REACH[NoteVisibility(corrects.visibility)]:
        raise InvalidParams(
            {
                "visibility": [
                    "Share the correction with everyone who can read the note it corrects: "
                    f"{NoteVisibility(corrects.visibility).label.lower()}."
                ]
            }
        )


@transaction.atomic
def case_note_add(
    *,
    by: User,
    child: Child,
    kind: str,
    on: dt.date,
    text: str,
    present: str = "",
    visibility: str = NoteVisibility.TEAM,
    corrects: CaseNote | None = None,
) -> CaseNote:
    """Add a note to the child's record. A professional's note is shared with the team at
    least: they read only notes shared with the team, so a note kept to council staff would be
    one its own author could neither read again nor correct (a concern for the council alone
    goes to it through the safeguarding referral route, not a case note)."""
    if not _may_write(by, child):
        raise NotPermitted("Only the child's team can add a note to their record.")
    if kind not in CaseNoteKind.values:
        raise InvalidParams({"kind": ["Choose what kind of note this is."]})
    if visibility not in NoteVisibility.values:
        raise InvalidParams({"visibility": ["Choose who can read the note."]})
    if visibility == NoteVisibility.STAFF and not selectors.is_staff_member(by):
        raise InvalidParams(
            {
                "visibility": [
                    "A note from the team around the child is shared with the team at least."
                ]
            }
        )
    text = _check_text(text=text, present=present)
    _check_date(child, on)
    if corrects is not None:
        _check_correction(by, child, corrects, visibility)
    return CaseNote.objects.create(
        child=child,
        kind=kind,
        on=on,
        text=text,
        present=present.strip(),
        visibility=visibility,
        corrects=corrects,
        written_by=by,
    )
