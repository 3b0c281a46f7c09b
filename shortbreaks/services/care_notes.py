"""The writer of a child's care and emergency-contact notes (the only one)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from accounts.models import User
from casework.models import Child
from shortbreaks.models import (
    CareNotes,
)
from shortbreaks.selectors import children_with_care_notes_editable_by
from workflows.audit import audit
from workflows.errors import InvalidParams, NotPermitted

PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")


@transaction.atomic
def care_notes_save(
    *,
    by: User,
    child: Child,
    care_needs: str,
    emergency_contact_name: str,
    emergency_contact_phone: str,
    shared_with_providers: bool,
) -> CareNotes:
    """Write a child's care and emergency-contact notes, as the family or the child's team.

    Audited without the words themselves: the audit says who changed which notes and whether they
    are shared, while the notes keep only their latest text.
    """
    if not children_with_care_notes_editable_by(by).filter(pk=child.pk).exists():
        raise NotPermitted("Only the child's family or the staff of their team can change these.")
    name, phone = emergency_contact_name.strip(), emergency_contact_phone.strip()
    problems: dict[str, list[str]] = {}
    if phone and not PHONE.match(phone):
        problems["emergency_contact_phone"] = [
            "Enter a phone number, like 01634 306000 or +44 7700 900982."
        ]
    if name and not phone:
        problems["emergency_contact_phone"] = ["Enter the emergency contact's phone number."]
    if phone and not name:
        problems["emergency_contact_name"] = ["Enter the emergency contact's name."]
    if problems:
        raise InvalidParams(problems)
    notes = CareNotes.objects.select_for_update().filter(child=child).first()
    before = None if notes is None else _care_notes_values(notes)
    notes = notes or CareNotes(child=child)
    notes.care_needs = care_needs.strip()
    notes.emergency_contact_name = name
    notes.emergency_contact_phone = phone
    notes.shared_with_providers = shared_with_providers
    notes.updated_by = by
    notes.save()
    after = _care_notes_values(notes)
    audit(
        notes,
        "care_notes_saved",
        by=by,
        params={
            "changed": [key for key in after if before is None or before[key] != after[key]],
            "shared_with_providers": shared_with_providers,
        },
    )
    return notes


def _care_notes_values(notes: CareNotes) -> dict[str, Any]:
    return {
        "care_needs": notes.care_needs,
        "emergency_contact_name": notes.emergency_contact_name,
        "emergency_contact_phone": notes.emergency_contact_phone,
        "shared_with_providers": notes.shared_with_providers,
    }
