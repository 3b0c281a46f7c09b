"""Consent to share recorded after the referral lets a manager's queue move on (DESIGN §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import workflows
from accounts.roles import Role
from casework.models import CaseStatus, Referral
from casework.services.consent import referral_record_consent
from tests.factories import CaseFactory, ChildFactory, ReferralFactory, staff
from workflows import clock
from workflows.errors import InvalidParams, TransitionNotAllowed
from workflows.models import TransitionLog


@pytest.fixture
def referred(team):
    child = ChildFactory(team=team)
    case = CaseFactory(child=child, status=CaseStatus.REFERRED)
    ReferralFactory(case=case, received_on=clock.today(), consent_to_share=False)
    return case


def test_consent_recorded_later_lets_the_referral_be_accepted(team, referred):
    practitioner = staff(Role.PRACTITIONER, team)
    referral_record_consent(
        by=practitioner, case=referred, given_by="Jo Collins (mother)", given_on=clock.today()
    )

    updated = workflows.transition(referred, "accept_referral", by=practitioner)

    assert updated.status == CaseStatus.ASSESSING
    referral = Referral.objects.get(case=referred)
    assert (referral.consent_given_by, referral.consent_recorded_on) == (
        "Jo Collins (mother)",
        clock.today(),
    )
    assert TransitionLog.objects.filter(transition="record_consent").exists()


def test_consent_cannot_be_given_in_the_future_or_by_nobody(team, referred):
    with pytest.raises(InvalidParams) as refused:
        referral_record_consent(
            by=staff(Role.PRACTITIONER, team),
            case=referred,
            given_by=" ",
            given_on=clock.today() + dt.timedelta(days=1),
        )

    assert set(refused.value.fields) == {"given_by", "given_on"}
    assert not Referral.objects.get(case=referred).consent_to_share


def test_consent_is_recorded_later_only_while_the_case_is_referred(team, referred):
    type(referred).objects.filter(pk=referred.pk).update(status=CaseStatus.ASSESSING)

    with pytest.raises(TransitionNotAllowed):
        referral_record_consent(
            by=staff(Role.PRACTITIONER, team), case=referred, given_by="Jo", given_on=clock.today()
        )


def test_accepting_a_referral_reads_the_case_its_consent_and_latest_step_in_one_query(team):
    practitioner = staff(Role.PRACTITIONER, team)
    cases = []
    for _ in range(2):
        case = CaseFactory(child=ChildFactory(team=team), status=CaseStatus.REFERRED)
        ReferralFactory(case=case, received_on=clock.today(), consent_to_share=True)
        cases.append(case)
    workflows.transition(cases[0], "accept_referral", by=practitioner)

    with CaptureQueriesContext(connection) as queries:
        accepted = workflows.transition(cases[1], "accept_referral", by=practitioner)

    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    # On PostgreSQL each statement is a round trip: the lock brings the referral (whose consent
    # the step's condition reads) and the latest step's date (no backdating before it) with it.
    assert len(reads) == 1
    assert '"casework_referral"' in reads[0]
    assert '"workflows_transitionlog"' in reads[0]
    assert accepted.status == CaseStatus.ASSESSING
    assert accepted.referral.consent_to_share is True
