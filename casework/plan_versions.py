"""Reading plan versions (DESIGN §3 "plan versions"): each version's sections, the comparison of
two, and the PDF, for the API and the pages alike.

The PDF is rendered from the frozen row each time it is asked for, never stored: the row is all
it says and the database refuses to change the row, so the document cannot drift from what was
issued; there is no file to lose, or to leave behind when an issuing step is rolled back."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string

from accounts.models import User
from casework import selectors
from casework.models import SECTIONS, EHCPlan, PlanVersion

PLACEMENT = "placement"
PLACEMENT_TITLE = "Placement named"


@dataclass(frozen=True)
class Section:
    section: str
    title: str
    text: str


@dataclass(frozen=True)
class Difference:
    section: str
    title: str
    a: str
    b: str

    @property
    def changed(self) -> bool:
        return self.a != self.b


def plan_readable(user: User, plan_id: int) -> EHCPlan | None:
    """The plan if the user may read it (staff of the team, the family, a professional who may
    read the plan), else None, as if it did not exist."""
    return selectors.plans_readable_by(user).select_related("child").filter(pk=plan_id).first()


def versions_of(plan: EHCPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("issued_by").order_by("number")


def placement_text(version: PlanVersion) -> str:
    parts = [version.placement_name.strip()]
    if version.phase_transfer_setting.strip():
        when = f" on {version.phase_transfer_on:%-d %B %Y}" if version.phase_transfer_on else ""
        parts.append(f"After the phase transfer{when}: {version.phase_transfer_setting.strip()}")
    return "\n".join(part for part in parts if part)


def sections_of(version: PlanVersion) -> list[Section]:
    """Every section A–K, then the placement, as the version froze them."""
    frozen = version.sections
    return [Section(letter, title, frozen.get(name, "")) for name, letter, title in SECTIONS] + [
        Section(PLACEMENT, PLACEMENT_TITLE, placement_text(version))
    ]


def compare(a: PlanVersion, b: PlanVersion) -> list[Difference]:
    return [
        Difference(left.section, left.title, left.text, right.text)
        for left, right in zip(sections_of(a), sections_of(b), strict=True)
    ]


def filename_of(version: PlanVersion) -> str:
    child = version.plan.child
    return (
        f"ehc-plan-{child.given_name}-{child.family_name}-version-{version.number}"
        f"-{version.kind}.pdf"
    )


def pdf_of(version: PlanVersion) -> bytes:
    """The version as a tagged PDF (PDF/UA-1): a language, a title and a heading per section,
    so that a screen reader reads it as it reads the page."""
    from weasyprint import HTML

    html = render_to_string(
        "casework/plan/version_pdf.html",
        {
            "version": version,
            "child": version.plan.child,
            "sections": sections_of(version),
            "council_name": settings.PATHWAY_COUNCIL_NAME,
        },
    )
    pdf: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
