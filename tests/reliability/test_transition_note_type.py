"""A transition's note is text or nothing: `false` is refused on its field, not read as empty."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.factories import ReferredCaseFactory


def test_a_note_sent_as_false_is_a_400_on_the_note(team, practitioner):
    case = ReferredCaseFactory(child__team=team, practitioner=practitioner)
    client = APIClient()
    client.force_authenticate(practitioner)

    response = client.post(
        f"/api/v1/cases/{case.pk}/transitions/signpost/",
        {"note": False, "reason": "Signposted to the family hub."},
        format="json",
    )

    assert response.status_code == 400
    assert "note" in response.json()["fields"]
