"""Consent to share recorded after the referral lets a manager's queue move on (DESIGN §4)."""

from __future__ import annotations

import datetime as dt

import pytest

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
