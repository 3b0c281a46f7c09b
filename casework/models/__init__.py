"""Casework's models, one module per concept; every name is importable from here as before."""

from casework.models.access import (
    AccessLog,
)
from casework.models.advice import AdviceRequest, Reassessment, Transfer  # noqa: F401
from casework.models.case import (
    OPEN_CASE_STATES,
    PRACTITIONER,
    REASON,
    SUPPORT_ARRANGED_ANNOTATIONS,
    SUPPORT_ARRANGED_CHECKS,
    TEAM_MANAGER,
    Case,
    aged_14_or_over,
    aged_17_and_a_half_or_over,
    assessed_eligible,
    assessed_not_eligible,
    closed_within_12_months,
    consent_recorded,
    no_other_open_case,
    review_outcome_recorded,
    review_scheduled,
    support_arranged,
    with_support_arranged,
)
from casework.models.choices import (
    AssessmentOutcome,
    CaseStatus,
    PhaseTransfer,
    PlanStatus,
    PrimaryNeed,
    ReferralSource,
    RequestedBy,
    ReviewOutcome,
    ReviewStatus,
)
from casework.models.dispute import (
    Dispute,
    DisputeAbout,
    DisputeKind,
    TribunalOrder,
    TribunalOrderStep,
)
from casework.models.document import Document, DocumentKind, DocumentVisibility
from casework.models.ehc_request import (
    EHCRequest,
    EHCRequestFile,
    EHCRequestStatus,
    Relationship,
)
from casework.models.letter import Letter, LetterKind
from casework.models.people import (
    Child,
    FamilyMember,
    age_on,
    validate_nhs_number,
)
from casework.models.plan import (
    CLOSED_PLAN_STATES,
    SECTIONS,
    EHCPlan,
    core_sections_written,
    review_meeting_recorded,
)
from casework.models.plan_version import PlanVersion, PlanVersionImmutable, PlanVersionKind
from casework.models.referral import (
    Assessment,
    Referral,
)
from casework.models.representation import Representation, RepresentationPeriod, ServedBy
from casework.models.review import (
    Review,
)
from casework.models.team import (
    CaseNote,
    CaseNoteKind,
    Consent,
    ConsentGivenBy,
    NoteVisibility,
    TeamMember,
    TeamPart,
)

__all__ = [
    "CLOSED_PLAN_STATES",
    "OPEN_CASE_STATES",
    "PRACTITIONER",
    "REASON",
    "SECTIONS",
    "SUPPORT_ARRANGED_ANNOTATIONS",
    "SUPPORT_ARRANGED_CHECKS",
    "TEAM_MANAGER",
    "AccessLog",
    "Assessment",
    "AssessmentOutcome",
    "Case",
    "CaseNote",
    "CaseNoteKind",
    "CaseStatus",
    "Child",
    "Consent",
    "ConsentGivenBy",
    "Dispute",
    "DisputeAbout",
    "DisputeKind",
    "Document",
    "DocumentKind",
    "DocumentVisibility",
    "EHCPlan",
    "EHCRequest",
    "EHCRequestFile",
    "EHCRequestStatus",
    "FamilyMember",
    "Letter",
    "LetterKind",
    "NoteVisibility",
    "PhaseTransfer",
    "PlanStatus",
    "PlanVersion",
    "PlanVersionImmutable",
    "PlanVersionKind",
    "PrimaryNeed",
    "Referral",
    "ReferralSource",
    "Relationship",
    "Representation",
    "RepresentationPeriod",
    "RequestedBy",
    "Review",
    "ReviewOutcome",
    "ReviewStatus",
    "ServedBy",
    "TeamMember",
    "TeamPart",
    "TribunalOrder",
    "TribunalOrderStep",
    "age_on",
    "aged_14_or_over",
    "aged_17_and_a_half_or_over",
    "assessed_eligible",
    "assessed_not_eligible",
    "closed_within_12_months",
    "consent_recorded",
    "core_sections_written",
    "no_other_open_case",
    "review_meeting_recorded",
    "review_outcome_recorded",
    "review_scheduled",
    "support_arranged",
    "validate_nhs_number",
    "with_support_arranged",
]
