"""Plan versions (DESIGN §3): every issue of a plan frozen, numbered from 1, compared section by
section, downloaded as a tagged PDF, and seen only by those who may read the plan."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

import workflows
from accounts.roles import Role
from casework import services
from casework.models import AccessLog, EHCPlan, PlanVersion, PlanVersionImmutable
from tests.factories import (
    CaseFactory,
    ChildFactory,
    ConsentFactory,
    FamilyMemberFactory,
    FinalPlanFactory,
    professional_in_team,
    staff,
)
from tests.factories.casework import AssessingPlanFactory, DraftPlanFactory
from workflows.errors import TransitionNotAllowed

D = dt.date
MISSING = 987_654


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2027, 9, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def child(team):
    return ChildFactory(team=team, given_name="Amelia", date_of_birth=D(2016, 4, 2))


@pytest.fixture
def final(child, practitioner, manager):
    """Draft issued 1 March 2026 (version 1), final 1 April 2026 (version 2)."""
    return FinalPlanFactory(
        child=child,
        requested_on=D(2025, 11, 3),
        assessing_on=D(2025, 12, 1),
        draft_on=D(2026, 3, 2),
        final_on=D(2026, 4, 1),
        practitioner=practitioner,
        manager=manager,
    )


@pytest.fixture
def parent(team, child):
    user = staff(Role.FAMILY, team)
    FamilyMemberFactory(child=child, name="Mum", relationship="mother", user=user)
    return user


def amended(plan, practitioner, manager):
    """Reviewed and amended in 2026-27: the amended final is issued on 1 March 2027."""
    services.review_create(by=practitioner, plan=plan, meeting_on=D(2027, 1, 11))
    workflows.transition(plan, "amend", by=manager, on=D(2027, 1, 25))
    plan.refresh_from_db()
    services.plan_update(by=practitioner, plan=plan, section_f="Speech therapy twice a week.")
    return workflows.transition(plan, "issue_final", by=manager, on=D(2027, 3, 1))


# Frozen at every issue -------------------------------------------------------------------------


def test_each_draft_and_final_issued_is_a_version_numbered_from_one(final, practitioner, manager):
    versions = list(final.versions.order_by("number"))

    assert [(v.number, v.kind, v.issued_on) for v in versions] == [
        (1, "draft", D(2026, 3, 2)),
        (2, "final", D(2026, 4, 1)),
    ]
    assert versions[0].issued_by == practitioner
    assert versions[1].issued_by == manager
    assert (versions[1].requested_on, versions[1].draft_issued_on) == (
        D(2025, 11, 3),
        D(2026, 3, 2),
    )
    assert versions[1].final_issued_on == D(2026, 4, 1)
    assert versions[0].final_issued_on is None


def test_editing_the_plan_after_issue_leaves_version_1_as_it_was_issued(final, practitioner):
    services.plan_update(
        by=practitioner, plan=final, section_b="Rewritten needs.", placement_name="Hill School"
    )

    first = PlanVersion.objects.get(plan=final, number=1)
    assert first.sections["section_b"] == "Needs help with communication."
    assert first.placement_name == ""
    assert set(first.sections) == {f"section_{s}" for s in "abcdefg"} | {
        "section_h1",
        "section_h2",
        "section_i",
        "section_j",
        "section_k",
    }


def test_the_amended_final_after_a_review_is_a_new_number(final, practitioner, manager):
    amended(final, practitioner, manager)

    latest = final.versions.order_by("number").last()
    assert (latest.number, latest.kind, latest.issued_on) == (3, "final", D(2027, 3, 1))
    assert latest.sections["section_f"] == "Speech therapy twice a week."
    assert PlanVersion.objects.get(plan=final, number=2).sections["section_f"] == (
        "Weekly speech and language therapy."
    )


def test_a_version_refuses_to_be_saved_again_or_removed(final):
    version = final.versions.get(number=1)
    version.kind = "final"

    with pytest.raises(PlanVersionImmutable):
        version.save()
    with pytest.raises(PlanVersionImmutable):
        version.delete()


def test_the_database_refuses_to_change_a_version(final):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(plan=final).update(kind="draft")

    assert list(final.versions.values_list("kind", flat=True).order_by("number")) == [
        "draft",
        "final",
    ]


def test_a_step_refused_freezes_nothing(child, practitioner, manager):
    plan = DraftPlanFactory(
        child=child,
        requested_on=D(2025, 11, 3),
        assessing_on=D(2025, 12, 1),
        draft_on=D(2026, 3, 2),
        practitioner=practitioner,
        manager=manager,
    )

    # inside the family's 15 days: the final is refused
    with pytest.raises(TransitionNotAllowed):
        workflows.transition(plan, "issue_final", by=manager, on=D(2026, 3, 10))

    assert plan.versions.count() == 1


# The API ------------------------------------------------------------------------------------


def test_the_list_gives_each_version_with_its_pdf(final, practitioner):
    response = api(practitioner).get(f"/api/v1/ehc-plans/{final.pk}/versions/")

    assert response.status_code == 200
    rows = response.json()
    assert [set(row) for row in rows] == [{"number", "kind", "issued_on", "issued_by", "pdf"}] * 2
    assert rows[0] | {"pdf": ""} == {
        "number": 1,
        "kind": "draft",
        "issued_on": "2026-03-02",
        "issued_by": practitioner.pk,
        "pdf": "",
    }
    assert rows[1]["pdf"].endswith(f"/api/v1/ehc-plans/{final.pk}/versions/2.pdf")


def test_the_list_costs_the_same_queries_however_many_versions(
    final, practitioner, manager, django_assert_max_num_queries
):
    client = api(practitioner)
    with django_assert_max_num_queries(4) as two:
        client.get(f"/api/v1/ehc-plans/{final.pk}/versions/")
    amended(final, practitioner, manager)

    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(f"/api/v1/ehc-plans/{final.pk}/versions/")

    assert len(response.json()) == 3


def test_one_version_shows_every_section_and_the_placement(final, practitioner):
    response = api(practitioner).get(f"/api/v1/ehc-plans/{final.pk}/versions/1/")

    assert response.status_code == 200
    body = response.json()
    assert [row["section"] for row in body["sections"]] == [
        *"ABCDEFG",
        "H1",
        "H2",
        *"IJK",
        "placement",
    ]
    assert body["sections"][1]["text"] == "Needs help with communication."
    assert body["kind"] == "draft"


def test_the_comparison_marks_what_changed_between_two_versions(final, practitioner, manager):
    amended(final, practitioner, manager)

    response = api(practitioner).get(f"/api/v1/ehc-plans/{final.pk}/versions/compare/?a=2&b=3")

    assert response.status_code == 200
    body = response.json()
    assert (body["a"], body["b"]) == (2, 3)
    assert len(body["sections"]) == 13
    changed = {row["section"]: row["changed"] for row in body["sections"]}
    assert changed == dict.fromkeys([*"ABCDEG", "H1", "H2", *"IJK", "placement"], False) | {
        "F": True
    }
    section_f = next(row for row in body["sections"] if row["section"] == "F")
    assert section_f == {
        "section": "F",
        "title": "Special educational provision",
        "a": "Weekly speech and language therapy.",
        "b": "Speech therapy twice a week.",
        "changed": True,
    }


def test_a_version_compared_with_itself_has_nothing_changed(final, practitioner):
    response = api(practitioner).get(f"/api/v1/ehc-plans/{final.pk}/versions/compare/?a=1&b=1")

    assert not any(row["changed"] for row in response.json()["sections"])


@pytest.mark.parametrize(
    ("query", "field"),
    [("?b=1", "a"), ("?a=1", "b"), ("?a=x&b=1", "a"), ("?a=1&b=-2", "b"), ("?a=1&b=0", "b")],
)
def test_a_missing_or_bad_number_to_compare_is_400_naming_it(final, practitioner, query, field):
    response = api(practitioner).get(f"/api/v1/ehc-plans/{final.pk}/versions/compare/{query}")

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_version_that_does_not_exist_is_404(final, practitioner):
    client = api(practitioner)

    assert client.get(f"/api/v1/ehc-plans/{final.pk}/versions/compare/?a=1&b=9").status_code == (
        404
    )
    assert client.get(f"/api/v1/ehc-plans/{final.pk}/versions/9/").status_code == 404
    assert client.get(f"/api/v1/ehc-plans/{final.pk}/versions/9.pdf").status_code == 404


# The PDF ------------------------------------------------------------------------------------


def test_the_pdf_is_a_tagged_attachment_with_a_language_and_a_title(final, parent):
    response = api(parent).get(f"/api/v1/ehc-plans/{final.pk}/versions/1.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "version-1-draft.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title.startswith(f"EHC plan for {final.child.full_name}: version 1")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Section B: Special educational needs" in text
    assert "Needs help with communication." in text


def test_the_pdf_headings_are_tagged_as_headings(final, practitioner):
    response = api(practitioner).get(f"/api/v1/ehc-plans/{final.pk}/versions/2.pdf")

    reader = PdfReader(io.BytesIO(response.content))
    kinds = set()

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert {"/H1", "/H2"} <= kinds


# Who sees them ------------------------------------------------------------------------------


def test_the_family_and_a_professional_who_may_read_the_plan_see_its_versions(
    final, parent, child
):
    senco = professional_in_team(child, agency="education")

    for user in (parent, senco):
        assert api(user).get(f"/api/v1/ehc-plans/{final.pk}/versions/").status_code == 200


def test_to_anyone_else_the_versions_are_as_missing(final, other_team, child, practitioner):
    outsiders = [
        staff(Role.PRACTITIONER, other_team),
        staff(Role.FAMILY, other_team),
        professional_in_team(ChildFactory(team=child.team)),
    ]
    withdrawn = professional_in_team(child, agency="health")
    ConsentFactory(child=child, agency="health", given=False, recorded_by=practitioner)

    for user in (*outsiders, withdrawn):
        client = api(user)
        for path in ("", "1/", "1.pdf", "compare/?a=1&b=2", "compare/"):
            response = client.get(f"/api/v1/ehc-plans/{final.pk}/versions/{path}")
            missing = client.get(f"/api/v1/ehc-plans/{MISSING}/versions/{path}")
            assert response.status_code == 404, (user, path)
            assert response.content == missing.content


def test_staff_and_professional_reads_are_in_the_access_log_and_the_familys_are_not(
    final, practitioner, parent, child
):
    senco = professional_in_team(child, agency="education")
    for user in (practitioner, senco, parent):
        api(user).get(f"/api/v1/ehc-plans/{final.pk}/versions/")

    logged = AccessLog.objects.filter(record_type="planversion", child=child)
    assert sorted(set(logged.values_list("user", flat=True))) == sorted(
        [practitioner.pk, senco.pk]
    )
    assert logged.filter(user=practitioner).count() == 2


def test_no_version_before_the_draft_is_issued(child, practitioner, manager):
    plan = AssessingPlanFactory(child=child, manager=manager)

    response = api(practitioner).get(f"/api/v1/ehc-plans/{plan.pk}/versions/")

    assert response.status_code == 200
    assert response.json() == []


# The pages ----------------------------------------------------------------------------------


def page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_the_versions_page_lists_each_version_with_its_pdf_for_staff_family_and_professional(
    final, practitioner, parent, child
):
    senco = professional_in_team(child, agency="education")

    for user in (practitioner, parent, senco):
        response = page(user, f"/plans/{final.pk}/versions/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Version 1: draft" in html
        assert "Version 2: final" in html
        assert f"/plans/{final.pk}/versions/2.pdf" in html


def test_the_case_page_my_child_and_the_professionals_page_link_to_the_versions(
    final, practitioner, parent, child
):
    case = CaseFactory(child=child, lead_professional=practitioner)
    final.case = case
    final.save(update_fields=["case"])
    senco = professional_in_team(child, agency="education")
    link = f'href="/plans/{final.pk}/versions/"'

    assert link in page(practitioner, f"/cases/{case.pk}/").content.decode()
    assert link in page(parent, "/my-child/").content.decode()
    assert link in page(senco, f"/professional/children/{child.pk}/").content.decode()


def test_the_comparison_page_shows_the_last_two_side_by_side_and_marks_what_changed(
    final, practitioner, manager
):
    amended(final, practitioner, manager)

    response = page(practitioner, f"/plans/{final.pk}/versions/compare/")

    assert response.status_code == 200
    html = response.content.decode()
    assert (response.context["a"].number, response.context["b"].number) == (2, 3)
    assert html.count(">Changed</strong>") == 1
    assert "Speech therapy twice a week." in html
    assert "Weekly speech and language therapy." in html


def test_the_comparison_page_names_a_version_that_does_not_exist(final, practitioner):
    response = page(practitioner, f"/plans/{final.pk}/versions/compare/?a=1&b=7")

    assert response.status_code == 400
    assert "Choose the second version to compare." in response.content.decode()


def test_the_pdf_downloads_from_the_page_as_an_attachment(final, parent):
    response = page(parent, f"/plans/{final.pk}/versions/1.pdf")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")


def test_another_family_is_told_the_versions_page_does_not_exist(final, other_team):
    response = page(staff(Role.FAMILY, other_team), f"/plans/{final.pk}/versions/")

    assert response.status_code == 404


def test_staff_reading_the_versions_page_is_in_the_access_log(final, practitioner, child):
    page(practitioner, f"/plans/{final.pk}/versions/")

    logged = AccessLog.objects.filter(user=practitioner, record_type="planversion", via="page")
    assert logged.count() == 2


def test_the_versions_page_costs_the_same_queries_however_many_versions(
    final, practitioner, manager, django_assert_max_num_queries
):
    client = Client()
    client.force_login(practitioner)
    with django_assert_max_num_queries(30) as two:
        client.get(f"/plans/{final.pk}/versions/")
    amended(final, practitioner, manager)

    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(f"/plans/{final.pk}/versions/")


# The demo -----------------------------------------------------------------------------------


def test_the_demo_issues_amelias_draft_as_version_1(db):
    call_command("load_demo", stdout=StringIO())
    plan = EHCPlan.objects.get(child__given_name="Amelia")

    first = plan.versions.get(number=1)
    assert first.kind == "draft"
    assert first.issued_on == plan.draft_issued_on
    assert first.sections["section_b"] == plan.section_b


def test_a_number_past_what_the_database_holds_is_404_not_an_error(final, practitioner):
    huge = 10**30
    client = api(practitioner)

    assert client.get(f"/api/v1/ehc-plans/{final.pk}/versions/{huge}/").status_code == 404
    assert client.get(f"/api/v1/ehc-plans/{huge}/versions/").status_code == 404
    assert page(practitioner, f"/plans/{final.pk}/versions/{huge}.pdf").status_code == 404
