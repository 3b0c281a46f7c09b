"""Decision letters (DESIGN §3 "letters", §5 "Appeals"): each decision the family must be told
of is a tagged PDF from its template, kept as a family-visible document, listed at `letters/`
and linked from the family's outbox message; written in the step's own transaction."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from casework import services
from casework.models import AccessLog, Document, EHCPlan, Letter, PlanStatus
from casework.services.letters import letter_send
from tests.factories import (
    AssessingPlanFactory,
    CaseFactory,
    ChildFactory,
    FamilyMemberFactory,
    PlanFactory,
    UserFactory,
    staff,
)
from tests.factories.team import ConsentFactory, professional_in_team
from workflows.models import Notification

D = dt.date
SECTIONS = {"section_b": "Needs", "section_e": "Outcomes", "section_f": "Provision"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def child(team):
    return ChildFactory(
        team=team, given_name="Ella", family_name="Stone", date_of_birth=D(2016, 4, 2)
    )


@pytest.fixture
def parent(child):
    user = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=user)
    return user


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def text_of(letter: Letter) -> str:
    with letter.document.file.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def requested(child) -> EHCPlan:
    return PlanFactory(child=child, status=PlanStatus.REQUESTED, requested_on=D(2026, 4, 1))


def assessing(child) -> EHCPlan:
    plan = AssessingPlanFactory(
        child=child, requested_on=D(2026, 1, 5), assessing_on=D(2026, 2, 2)
    )
    return services.plan_update(by=staff(Role.PRACTITIONER, child.team), plan=plan, **SECTIONS)


def under_review(child, manager) -> EHCPlan:
    plan = PlanFactory(
        child=child,
        requested_on=D(2025, 4, 1),
        status=PlanStatus.DRAFT,
        draft_issued_on=D(2025, 8, 1),
    )
    plan = workflows.transition(plan, "issue_final", by=manager, on=D(2025, 9, 1))
    services.review_create(
        by=staff(Role.PRACTITIONER, child.team), plan=plan, meeting_on=D(2026, 5, 20)
    )
    return EHCPlan.objects.get(pk=plan.pk)


def only_letter(plan: EHCPlan, kind: str) -> Letter:
    return Letter.objects.get(plan=plan, kind=kind)


# Each letter's contents -------------------------------------------------------------------------


def test_the_refusal_to_assess_names_the_child_the_reason_the_appeal_date_and_mediation(
    child, parent, manager
):
    plan = requested(child)

    workflows.transition(
        plan, "refuse_to_assess", by=manager, on=D(2026, 5, 1), reason="Needs met at school"
    )

    letter = only_letter(plan, "refuse_to_assess")
    text = text_of(letter)
    assert "We will not carry out an EHC needs assessment for Ella Stone" in text
    assert "Needs met at school" in text
    assert "until 1 July 2026" in text  # 2 months after the letter
    assert "mediation certificate" in text
    assert "mediation adviser" in text
    assert "within 2 months of the date of this letter" in text
    assert (letter.sent_on, letter.appeal_by) == (D(2026, 5, 1), D(2026, 7, 1))


def test_the_decision_not_to_issue_gives_the_reason_and_the_appeal_date(child, parent, manager):
    plan = assessing(child)

    workflows.transition(
        plan, "decide_not_to_issue", by=manager, on=D(2026, 5, 4), reason="Provision is ordinary"
    )

    text = text_of(only_letter(plan, "decide_not_to_issue"))
    assert "We will not issue an EHC plan for Ella Stone" in text
    assert "Provision is ordinary" in text
    assert "until 4 July 2026" in text
    assert "mediation" in text


def test_the_draft_gives_the_familys_15_days_and_how_to_use_them_and_no_appeal(
    child, parent, practitioner
):
    plan = assessing(child)

    workflows.transition(plan, "issue_draft", by=practitioner, on=D(2026, 6, 1), served_by="email")

    letter = only_letter(plan, "issue_draft")
    text = text_of(letter)
    assert "Ella Stone's draft EHC plan" in text
    assert "until 15 June 2026" in text  # 15 days beginning with 1 June
    assert "Make representations" in text
    assert "Ask for a school or college" in text
    assert "Ask for a meeting" in text
    assert letter.appeal_by is None
    assert "First-tier Tribunal" not in text


def test_a_draft_sent_by_post_counts_its_period_from_the_second_working_day(
    child, parent, practitioner
):
    plan = assessing(child)

    workflows.transition(
        plan,
        "issue_draft",
        by=practitioner,
        on=D(2026, 6, 1),
        served_by="post",
        sent_on=D(2026, 6, 1),
    )

    text = text_of(only_letter(plan, "issue_draft"))
    assert "counts as reaching you on 3 June 2026" in text
    assert "until 17 June 2026" in text


def test_the_final_plan_letter_gives_the_appeal_date_and_the_school_exception(
    child, parent, manager
):
    plan = PlanFactory(
        child=child,
        requested_on=D(2026, 1, 5),
        status=PlanStatus.DRAFT,
        draft_issued_on=D(2026, 5, 1),
        placement_name="Riverside Primary",
    )

    workflows.transition(plan, "issue_final", by=manager, on=D(2026, 6, 1))

    text = text_of(only_letter(plan, "issue_final"))
    assert "Ella Stone's final EHC plan" in text
    assert "Riverside Primary" in text
    assert "until 1 August 2026" in text
    assert "only about the school or other institution named" in text


def test_maintain_and_cease_after_a_review_each_give_the_appeal_date(team, manager):
    kept = under_review(ChildFactory(team=team, given_name="Kit"), manager)
    ended = under_review(ChildFactory(team=team, given_name="Jo"), manager)

    workflows.transition(kept, "maintain", by=manager, on=D(2026, 6, 2))
    workflows.transition(ended, "cease", by=manager, on=D(2026, 6, 2), reason="Left education")

    maintained = text_of(only_letter(kept, "maintain"))
    assert "We will keep Kit" in maintained
    assert "until 2 August 2026" in maintained
    ceased = text_of(only_letter(ended, "cease"))
    assert "We will stop maintaining Jo" in ceased
    assert "Left education" in ceased
    assert "until 2 August 2026" in ceased
    assert "mediation" in ceased


def test_the_amendment_notice_gives_its_15_days_and_no_appeal_yet(team, manager):
    plan = under_review(ChildFactory(team=team, given_name="Kit"), manager)

    workflows.transition(plan, "amend", by=manager, on=D(2026, 6, 2), served_by="email")

    letter = only_letter(plan, "amend")
    text = text_of(letter)
    assert "We propose to amend Kit" in text
    assert "until 16 June 2026" in text
    assert "Ask for a meeting" in text
    assert letter.appeal_by is None
    assert "First-tier Tribunal" not in text


# Kept, sent and tagged --------------------------------------------------------------------------


def test_a_letter_is_a_family_visible_document_on_the_childs_record_by_who_took_the_step(
    child, parent, manager
):
    plan = requested(child)

    workflows.transition(plan, "refuse_to_assess", by=manager, reason="Needs met at school")

    document = only_letter(plan, "refuse_to_assess").document
    assert (document.child, document.kind, document.visibility) == (child, "letter", "family")
    assert (document.uploaded_by, document.content_type) == (manager, "application/pdf")
    assert document.size == document.file.size


def test_the_familys_message_links_to_the_letter(child, parent, manager):
    plan = requested(child)

    workflows.transition(plan, "refuse_to_assess", by=manager, reason="Needs met at school")

    letter = only_letter(plan, "refuse_to_assess")
    message = Notification.objects.get(recipient=parent)
    assert message.link == reverse("casework:letter-download", args=[letter.pk])
    assert "Needs met at school" in message.body
    assert "the link below" in message.body


def test_a_step_that_fails_after_its_letter_is_written_leaves_no_letter_and_no_document(
    child, parent, manager
):
    plan = requested(child)

    # the outbox write after the letter fails: the whole step, letter included, is undone
    with (
        mock.patch("workflows.services.notify", side_effect=RuntimeError("outbox down")),
        pytest.raises(RuntimeError),
    ):
        workflows.transition(plan, "refuse_to_assess", by=manager, reason="Needs met at school")

    assert not Letter.objects.exists()
    assert not Document.objects.exists()
    assert EHCPlan.objects.get(pk=plan.pk).status == PlanStatus.REQUESTED


def test_agreeing_to_assess_writes_no_letter(child, parent, manager):
    workflows.transition(requested(child), "agree_to_assess", by=manager)

    assert not Letter.objects.exists()
    assert Notification.objects.get(recipient=parent).link == reverse("casework:my-child")


def test_the_letter_is_a_tagged_pdf_in_british_english_with_a_title(child, manager):
    plan = requested(child)
    workflows.transition(plan, "refuse_to_assess", by=manager, reason="Needs met at school")

    with only_letter(plan, "refuse_to_assess").document.file.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert "Ella Stone" in reader.metadata.title


# Who sees them -----------------------------------------------------------------------------------


@pytest.fixture
def sent(child, manager):
    plan = requested(child)
    workflows.transition(
        plan, "refuse_to_assess", by=manager, on=D(2026, 5, 1), reason="Needs met at school"
    )
    return only_letter(plan, "refuse_to_assess")


def test_the_list_gives_the_letters_of_the_plan_in_the_issues_shape(sent, practitioner):
    response = api(practitioner).get("/api/v1/letters/", {"plan": sent.plan_id})

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": sent.pk,
            "kind": "refuse_to_assess",
            "sent_on": "2026-05-01",
            "appeal_by": "2026-07-01",
            "document": sent.document_id,
            "download": f"/letters/{sent.pk}/download/",
        }
    ]


def test_staff_reads_of_letters_are_in_the_access_log_in_one_insert(
    sent, practitioner, django_assert_max_num_queries
):
    letter_send(by=practitioner, plan=sent.plan, kind="refuse_to_assess", on=D(2026, 5, 2))

    with django_assert_max_num_queries(8):
        rows = api(practitioner).get("/api/v1/letters/").json()

    assert len(rows) == 2
    assert AccessLog.objects.filter(user=practitioner, record_type="letter").count() == 2


def test_the_family_lists_and_downloads_their_own_letters(sent, parent, client):
    assert [row["id"] for row in api(parent).get("/api/v1/letters/").json()] == [sent.pk]

    client.force_login(parent)
    response = client.get(f"/letters/{sent.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_family_and_another_team_see_no_letter(sent, other_team, client):
    other_parent = UserFactory(role=Role.FAMILY)
    FamilyMemberFactory(child=ChildFactory(team=other_team), user=other_parent)
    for user in (other_parent, staff(Role.PRACTITIONER, other_team)):
        assert api(user).get("/api/v1/letters/").json() == []
        assert api(user).get(f"/api/v1/letters/{sent.pk}/").status_code == 404
        client.force_login(user)
        assert client.get(f"/letters/{sent.pk}/download/").status_code == 404


def test_a_staff_download_is_in_the_access_log(sent, practitioner, client):
    client.force_login(practitioner)

    client.get(f"/letters/{sent.pk}/download/")

    assert AccessLog.objects.filter(
        user=practitioner, record_type="letter", record_id=sent.pk, via="page"
    ).exists()


# Pages ------------------------------------------------------------------------------------------


def test_my_child_lists_the_letters_with_their_dates_and_a_download(sent, parent, client):
    client.force_login(parent)

    page = client.get("/my-child/").content.decode()

    assert "Our letters to you" in page
    assert "Decision not to carry out a needs assessment" in page
    assert "Sent 1 May 2026. You can appeal until 1 July 2026." in page
    assert f'href="/letters/{sent.pk}/download/"' in page


def test_the_case_page_lists_the_plans_letters(sent, child, practitioner, client):
    case = CaseFactory(child=child)
    client.force_login(practitioner)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "Letters sent to the family" in page
    assert "The family can appeal until 1 July 2026." in page
    assert f'href="/letters/{sent.pk}/download/"' in page


# The demo ---------------------------------------------------------------------------------------


def test_the_demo_gives_amelias_draft_its_letter_and_every_demo_decision_one(db):
    call_command("load_demo", stdout=StringIO())

    amelia = EHCPlan.objects.get(child__given_name="Amelia")
    draft = Letter.objects.get(plan=amelia, kind="issue_draft")
    assert draft.sent_on == amelia.draft_issued_on
    assert "Amelia" in text_of(draft)
    assert draft.document.visibility == "family"
    kinds = set(Letter.objects.values_list("kind", flat=True))
    assert {"refuse_to_assess", "decide_not_to_issue", "issue_draft", "issue_final"} <= kinds


def test_a_professional_in_the_team_reads_letters_only_while_the_familys_consent_stands(
    sent, child, client
):
    professional = professional_in_team(child, agency="education")
    assert [row["id"] for row in api(professional).get("/api/v1/letters/").json()] == [sent.pk]
    client.force_login(professional)
    assert client.get(f"/letters/{sent.pk}/download/").status_code == 200

    ConsentFactory(child=child, agency="education", given=False)

    assert api(professional).get("/api/v1/letters/").json() == []
    assert client.get(f"/letters/{sent.pk}/download/").status_code == 404


def test_a_letter_is_listed_once_on_my_child_under_the_letters_not_again_as_a_document(db):
    """Letters have their own list beside the plan; the Documents list leaves them out."""
    from casework.documents import on_the_record
    from casework.models.document import Document
    from tests.factories import DocumentFactory, LetterFactory

    letter = LetterFactory()
    report = DocumentFactory(child=letter.plan.child)

    assert list(on_the_record(Document.objects.filter(child=letter.plan.child))) == [report]
