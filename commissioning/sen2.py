"""The SEN2 person-level return (reference/sen2-person-level.md), from the same records.

Coverage of the return for year Y: requests received, assessments completed and plans started
or ceased in calendar year Y−1, and plans active on the census date in January of Y.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from budgets.models import PersonalBudget
from casework import sen2_codes as codes
from casework.deadlines import FINAL_PLAN
from casework.models import Child, DisputeAbout, EHCPlan, PlanStatus, Review, ReviewOutcome
from commissioning.metrics.catalogue import budget_active_on
from commissioning.sen2_disputes import dispute_flags
from workflows.exports import csv_text, looks_like_formula
from workflows.models import DeadlineException, TransitionLog

MODULES: dict[str, list[str]] = {
    "sen2": [
        "sen2tableid",
        "collection",
        "year",
        "referencedate",
        "sourcelevel",
        "lea",
        "softwarecode",
        "release",
        "serialno",
        "datetime",
    ],
    "person": [
        "persontableid",
        "sen2tableid",
        "surname",
        "forename",
        "personbirthdate",
        "sex",
        "ethnicity",
        "postcode",
        "upn",
        "uniquelearnernumber",
        "upnunknown",
    ],
    "requests": [
        "requeststableid",
        "persontableid",
        "receiveddate",
        "rya",
        "requestoutcomedate",
        "requestoutcome",
        "requestmediation",
        "requesttribunal",
        "exported",
    ],
    "assessment": [
        "assessmenttableid",
        "requeststableid",
        "assessmentoutcome",
        "assessmentoutcomedate",
        "assessmentmediation",
        "assessmenttribunal",
        "othermediation",
        "othertribunal",
        "week20",
    ],
    "namedplan": [
        "namedplantableid",
        "assessmenttableid",
        "startdate",
        "planres",
        "planwbp",
        "pb",
        "oa",
        "dp",
        "ceasedate",
        "ceasereason",
    ],
    "plandetail": [
        "plandetailtableid",
        "namedplantableid",
        "urn",
        "ukprn",
        "sensetting",
        "sensettingother",
        "placementrank",
        "senunitindicator",
        "resourcedprovisionindicator",
    ],
    "activeplans": [
        "activeplanstableid",
        "requeststableid",
        "transferla",
        "reviewmeeting",
        "reviewoutcome",
        "lastreview",
    ],
    "placementdetail": [
        "placementdetailtableid",
        "activeplanstableid",
        "res",
        "wbp",
        "urn",
        "ukprn",
        "sensetting",
        "sensettingother",
        "placementrank",
        "entrydate",
        "leavingdate",
        "senunitindicator",
        "resourcedprovisionindicator",
    ],
    "senneed": ["senneedtableid", "activeplanstableid", "sentype", "sentyperank"],
}


def census_date(year: int) -> dt.date:
    """The third Thursday of January: the SEN2 reference date."""
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=2)


@dataclass
class Problem:
    module: str
    tableid: int
    child_id: int
    field: str
    message: str


@dataclass
class Return:
    year: int
    census: dt.date
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    children: list[int] = field(default_factory=list)  # whose records it carries, in order

    def add(self, module: str, **values: Any) -> int:
        rows = self.rows.setdefault(module, [])
        key = len(rows) + 1
        rows.append({MODULES[module][0]: key, **values})
        return key


def _flag_formulas(sen2: Return, module: str, child_id: int) -> None:
    """The return carries values exactly as recorded, so text that a spreadsheet would run as a
    formula is not altered but reported, for the record to be corrected (DESIGN §8)."""
    row = sen2.rows[module][-1]
    for name, value in row.items():
        if looks_like_formula(value):
            sen2.problems.append(
                Problem(
                    module,
                    row[MODULES[module][0]],
                    child_id,
                    name,
                    "Starts like a spreadsheet formula: correct the record.",
                )
            )


def _bit(value: bool) -> int:
    return 1 if value else 0


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def plans_in_scope(year: int, census: dt.date, teams: list[int] | None) -> QuerySet[EHCPlan]:
    start, end = dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)
    in_year = (
        Q(requested_on__range=(start, end))
        | Q(assessment_decision_on__range=(start, end))
        | Q(first_final_issued_on__range=(start, end))
        | Q(reviews__outcome=ReviewOutcome.CEASE, reviews__decision_on__range=(start, end))
        | Q(first_final_issued_on__lte=census) & ~Q(status=PlanStatus.CEASED)
        | Q(
            first_final_issued_on__lte=census,
            reviews__outcome=ReviewOutcome.CEASE,
            reviews__decision_on__gt=census,
        )
    )
    plans = EHCPlan.objects.filter(in_year, requested_on__lte=census)
    if teams is not None:
        plans = plans.filter(child__team__in=teams)
    return (
        plans.distinct()
        .select_related("child")
        .prefetch_related("reviews")
        .order_by("child__family_name", "child__given_name", "child_id", "requested_on", "pk")
    )


def budget_flags(child_ids: list[int], census: dt.date) -> dict[int, dict[str, bool]]:
    """Per child, whether a personal budget was active on the census date (pb), and whether it
    included arrangements the council organises (oa) or a direct payment (dp)."""
    flags: dict[int, dict[str, bool]] = {}
    budgets = PersonalBudget.objects.filter(budget_active_on(census), child_id__in=child_ids)
    for child_id, notional, third_party, direct in budgets.values_list(
        "child_id", "notional_amount", "third_party_amount", "direct_payment_amount"
    ):
        found = flags.setdefault(child_id, {"pb": True, "oa": False, "dp": False})
        found["oa"] = found["oa"] or notional > 0 or third_party > 0
        found["dp"] = found["dp"] or direct > 0
    return flags


def build(year: int, *, teams: list[int] | None = None) -> Return:
    census = census_date(year)
    sen2 = Return(year=year, census=census)
    header = sen2.add(
        "sen2",
        collection="SEN2",
        year=year,
        referencedate=census.isoformat(),
        sourcelevel="L",
        lea=settings.PATHWAY_LA_CODE,
        softwarecode="Pathway",
        release="1",
        serialno=1,
        datetime=timezone.now().replace(microsecond=0).isoformat(),
    )
    plans = list(plans_in_scope(year, census, teams))
    plan_type = ContentType.objects.get_for_model(EHCPlan)
    # The 20-week exception flag: a live (not withdrawn) reg 13(3) exception in the history.
    exceptions = set(
        DeadlineException.objects.filter(
            deadline__subject_type=plan_type,
            deadline__subject_id__in=[p.pk for p in plans],
            deadline__kind=FINAL_PLAN.value,
            withdrawn_at__isnull=True,
        ).values_list("deadline__subject_id", flat=True)
    )
    flags = budget_flags([p.child_id for p in plans], census)
    disputes = dispute_flags([p.pk for p in plans], census)
    # An amendment re-issues the draft, so the assessment's outcome date is the first draft's.
    first_drafts = dict(
        TransitionLog.objects.filter(
            subject_type=plan_type, subject_id__in=[p.pk for p in plans], transition="issue_draft"
        )
        .values("subject_id")
        .annotate(first=Min("effective_on"))
        .values_list("subject_id", "first")
    )
    people: dict[int, int] = {}
    for plan in plans:
        child = plan.child
        if child.pk not in people:
            people[child.pk] = _person(sen2, header, child)
            sen2.children.append(child.pk)
        _plan(
            sen2,
            plan,
            people[child.pk],
            census,
            exception=plan.pk in exceptions,
            flags=flags.get(child.pk),
            first_draft=first_drafts.get(plan.pk, plan.draft_issued_on),
            disputes=disputes.get(plan.pk, set()),
        )
    return sen2


def _person(sen2: Return, header: int, child: Child) -> int:
    upn = child.upn.strip().upper()
    sex = codes.SEX.get(child.gender.strip().lower(), codes.SEX_UNKNOWN)
    ethnicity = child.ethnicity.strip().upper()
    key = sen2.add(
        "person",
        sen2tableid=header,
        surname=child.family_name,
        forename=child.given_name,
        personbirthdate=child.date_of_birth.isoformat(),
        sex=sex,
        ethnicity=ethnicity if ethnicity in codes.ETHNICITY else "",
        postcode=child.postcode.strip().upper(),
        upn=upn,
        uniquelearnernumber="",
        upnunknown="",
    )
    _flag_formulas(sen2, "person", child.pk)
    if not upn:
        sen2.problems.append(
            Problem("person", key, child.pk, "upn", "No UPN, and no reason recorded for it.")
        )
    elif not re.match(codes.UPN_PATTERN, upn):
        sen2.problems.append(Problem("person", key, child.pk, "upn", f"{upn} is not a valid UPN."))
    if sex == codes.SEX_UNKNOWN:
        sen2.problems.append(Problem("person", key, child.pk, "sex", "Sex not recorded."))
    if ethnicity not in codes.ETHNICITY:
        sen2.problems.append(
            Problem("person", key, child.pk, "ethnicity", "No CBDS ethnicity code recorded.")
        )
    if not child.postcode.strip():
        sen2.problems.append(Problem("person", key, child.pk, "postcode", "No postcode."))
    return key


def _cease_date(plan: EHCPlan) -> dt.date | None:
    ceased = [
        review.decision_on
        for review in plan.reviews.all()
        if review.outcome == ReviewOutcome.CEASE and review.decision_on
    ]
    return max(ceased) if ceased else None


def _latest_review(plan: EHCPlan, census: dt.date) -> Review | None:
    held = [r for r in plan.reviews.all() if r.meeting_on and r.meeting_on <= census]
    return max(held, key=lambda review: review.meeting_on or dt.date.min) if held else None


def _plan(
    sen2: Return,
    plan: EHCPlan,
    person: int,
    census: dt.date,
    *,
    exception: bool,
    flags: dict[str, bool] | None,
    first_draft: dt.date | None,
    disputes: set[tuple[str, str]],
) -> None:
    child = plan.child
    decided = plan.assessment_decision_on is not None
    request = sen2.add(
        "requests",
        persontableid=person,
        receiveddate=_date(plan.requested_on),
        rya=_bit(plan.requested_by == "young_person"),
        requestoutcomedate=_date(plan.assessment_decision_on),
        requestoutcome=(
            codes.REQUEST_OUTCOME.get(plan.status, codes.REQUEST_AGREED) if decided else ""
        ),
        requestmediation=_bit((DisputeAbout.REQUEST, "mediation") in disputes),
        requesttribunal=_bit((DisputeAbout.REQUEST, "tribunal") in disputes),
        exported=0,
    )
    if not decided or plan.status == PlanStatus.REFUSED:
        return
    issued = plan.draft_issued_on is not None or plan.first_final_issued_on is not None
    assessment = sen2.add(
        "assessment",
        requeststableid=request,
        assessmentoutcome=(
            codes.ASSESSMENT_ISSUE
            if issued
            else codes.ASSESSMENT_NOT_ISSUE
            if plan.status == PlanStatus.NOT_ISSUED
            else ""
        ),
        assessmentoutcomedate=_date(first_draft),
        assessmentmediation=_bit((DisputeAbout.ASSESSMENT, "mediation") in disputes),
        assessmenttribunal=_bit((DisputeAbout.ASSESSMENT, "tribunal") in disputes),
        othermediation=_bit((DisputeAbout.OTHER, "mediation") in disputes),
        othertribunal=_bit((DisputeAbout.OTHER, "tribunal") in disputes),
        week20=_bit(exception),
    )
    if plan.first_final_issued_on is None:
        return
    ceased_on = _cease_date(plan)
    if ceased_on is not None and ceased_on > census:
        ceased_on = None  # ceased after the census date: a later return reports it
    flags = flags or {}
    named = sen2.add(
        "namedplan",
        assessmenttableid=assessment,
        startdate=_date(plan.first_final_issued_on),
        planres=0,
        planwbp=0,
        pb=_bit(flags.get("pb", False)),
        oa=_bit(flags.get("oa", False)),
        dp=_bit(flags.get("dp", False)),
        ceasedate=_date(ceased_on),
        ceasereason="",
    )
    if ceased_on:
        sen2.problems.append(
            Problem("namedplan", named, child.pk, "ceasereason", "Choose the DfE cease reason.")
        )
    sen2.add(
        "plandetail",
        namedplantableid=named,
        urn="",
        ukprn="",
        sensetting="",
        sensettingother=plan.placement_name,
        placementrank=1,
        senunitindicator=0,
        resourcedprovisionindicator=0,
    )
    _flag_formulas(sen2, "plandetail", child.pk)
    if ceased_on is not None and ceased_on <= census:
        return
    review = _latest_review(plan, census)
    active = sen2.add(
        "activeplans",
        requeststableid=request,
        transferla="",
        reviewmeeting=_date(review.meeting_on if review else None),
        reviewoutcome=codes.REVIEW_OUTCOME.get(review.outcome, "") if review else "",
        lastreview=_date(review.decision_on if review else None),
    )
    placement = sen2.add(
        "placementdetail",
        activeplanstableid=active,
        res=0,
        wbp=0,
        urn="",
        ukprn="",
        sensetting="",
        sensettingother=plan.placement_name,
        placementrank=1,
        entrydate="",
        leavingdate="",
        senunitindicator=0,
        resourcedprovisionindicator=0,
    )
    _flag_formulas(sen2, "placementdetail", child.pk)
    if not plan.placement_name.strip():
        sen2.problems.append(
            Problem("placementdetail", placement, child.pk, "sensetting", "No placement named.")
        )
    sen2.add(
        "senneed",
        activeplanstableid=active,
        sentype=codes.SEN_TYPE.get(child.primary_need, "OTH"),
        sentyperank=1,
    )


def write(sen2: Return, out: Path) -> list[Path]:
    """One CSV per module, `sen2_<module>.csv`, and `sen2_validation.csv` of what would fail."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for module, columns in MODULES.items():
        rows = [[row.get(column, "") for column in columns] for row in sen2.rows.get(module, [])]
        path = out / f"sen2_{module}.csv"
        path.write_text(csv_text([columns, *rows], escape=False), encoding="utf-8", newline="")
        written.append(path)
    problems = [
        [problem.module, problem.tableid, problem.child_id, problem.field, problem.message]
        for problem in sen2.problems
    ]
    path = out / "sen2_validation.csv"
    header = ["module", "tableid", "child_id", "field", "problem"]
    path.write_text(csv_text([header, *problems]), encoding="utf-8", newline="")
    written.append(path)
    return written
