"""The demo's teams around the child (DESIGN §10, issue #18 item 8)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from casework import demo_requests, selectors
from casework.models import CaseNote, Child, Consent, EHCRequest, TeamMember
from casework.models.advice import AdviceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_the_senco_convenes_amelias_review_and_sees_amelia_alone(demo):
    senco = User.objects.get(email="senco@example.org")
    amelia = Child.objects.get(given_name="Amelia")

    assert senco.professional.get_profession_display() == "SENCO"
    assert senco.professional.organisation.agency == "education"
    assert list(selectors.children_readable_by(senco)) == [amelia]
    assert TeamMember.objects.get(child=amelia, user=senco).part == "review_convener"


def test_the_paediatrician_has_an_open_advice_request_on_a_child_being_assessed(demo):
    paediatrician = User.objects.get(email="health@example.org")

    (request,) = AdviceRequest.objects.filter(adviser=paediatrician)

    assert request.status == "requested"
    assert request.plan.status == "assessing"
    # Poppy's family has not recorded consent for health: the statutory request is what lets
    # the paediatrician see her (reg 6(1)).
    assert not Consent.objects.filter(child=request.plan.child, agency="health").exists()
    assert list(selectors.children_readable_by(paediatrician)) == [request.plan.child]


def test_amelia_has_one_key_worker_consents_and_case_notes(demo):
    amelia = Child.objects.get(given_name="Amelia")

    assert TeamMember.objects.filter(child=amelia, part="key_worker").count() == 1
    assert set(
        Consent.objects.filter(child=amelia, given=True).values_list("agency", flat=True)
    ) == {
        "education",
        "health",
        "social_care",
    }
    assert CaseNote.objects.filter(child=amelia).count() >= 3


def test_loading_the_demo_twice_adds_no_second_team(demo):
    before = (TeamMember.objects.count(), Consent.objects.count(), CaseNote.objects.count())

    call_command("load_demo", stdout=StringIO())

    assert (
        TeamMember.objects.count(),
        Consent.objects.count(),
        CaseNote.objects.count(),
    ) == before


def test_one_online_request_for_an_assessment_waits_in_the_queue(demo):
    demo_requests.waiting_request()
    (waiting,) = EHCRequest.objects.filter(plan__isnull=True)
    assert (waiting.child, waiting.made_by, waiting.requester_name) == (None, None, "Priya Shah")


def test_amelias_record_holds_her_schools_advice_report_and_her_familys_views(demo):
    from casework.models.document import Document

    amelia = Child.objects.get(given_name="Amelia")

    kinds = set(
        Document.objects.filter(child=amelia)
        .exclude(kind="letter")
        .values_list("kind", "visibility")
    )

    assert kinds == {("advice", "team"), ("views", "family")}
