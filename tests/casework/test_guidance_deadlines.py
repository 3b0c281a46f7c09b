"""Working Together's timescales are statutory guidance, not time limits in law (DESIGN §5):
a team manager may set one aside with a reason, and no regulation gives it an exception."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import ReferredCaseFactory
from workflows.models import Deadline, DeadlineStatus


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("kind", ["referral_decision", "assessment_complete"])
def test_a_working_together_timescale_can_be_waived_by_a_manager_with_a_reason(
    kind, team, practitioner, manager
):
    case = ReferredCaseFactory(child__team=team, practitioner=practitioner)
    deadline = Deadline.objects.for_subject(case).get(kind=kind)

    excepted = api(manager).post(
        f"/api/v1/deadlines/{deadline.pk}/exception/",
        {"exception": "exceptional_circumstances", "reason": "Child in hospital"},
        format="json",
    )
    waived = api(manager).post(
        f"/api/v1/deadlines/{deadline.pk}/waive/",
        {"reason": "The family asked us to wait until after the operation."},
        format="json",
    )

    assert waived.status_code == 200
    assert Deadline.objects.get(pk=deadline.pk).status == DeadlineStatus.WAIVED
    assert excepted.status_code == 409
