"""The choices that casework records and the API share."""

from __future__ import annotations

from django.db import models


class PrimaryNeed(models.TextChoices):
    """SEN2 primary type of need."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ASSESSING = "assessing", "Being assessed"
    PLANNING = "planning", "Planning support"
    ACTIVE = "active", "Receiving support"
    REVIEWING = "reviewing", "Being reviewed"
    PREPARING_FOR_ADULTHOOD = "preparing_for_adulthood", "Preparing for adulthood"
    CLOSED = "closed", "Closed"


class ReferralSource(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    SCHOOL = "school", "School or college"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital"
    CAMHS = "camhs", "CAMHS"
    OTHER_LA = "other_la", "Another local authority"
    SELF = "self", "The young person"


class AssessmentOutcome(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible for specialist support"
    SIGNPOST = "signpost", "Signpost to targeted services"
    NO_ELIGIBLE_NEED = "no_eligible_need", "No eligible need"


class PlanStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ASSESSING = "assessing", "Needs assessment under way"
    REFUSED = "refused", "Refused to assess"
    DRAFT = "draft", "Draft plan issued"
    NOT_ISSUED = "not_issued", "Decided not to issue"
    FINAL = "final", "Final plan issued"
    UNDER_REVIEW = "under_review", "Under review"
    CEASED = "ceased", "Ceased"


class RequestedBy(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "The young person"
    SCHOOL = "school", "School or college"
    HEALTH = "health", "Health professional"
    SOCIAL_CARE = "social_care", "Social care"
    OTHER = "other", "Someone else"


class PhaseTransfer(models.TextChoices):
    SCHOOL = "school", "Between schools (for example primary to secondary)"
    POST_16 = "post_16", "From secondary school to post-16 education"
    POST_16_TO_POST_16 = (
        "post_16_to_post_16",
        "From one post-16 institution to another, at another time of year",
    )


class ReviewOutcome(models.TextChoices):
    MAINTAIN = "maintain", "Maintain the plan"
    AMEND = "amend", "Amend the plan"
    CEASE = "cease", "Cease the plan"


class ReviewStatus(models.TextChoices):
    """Where a review is: waiting for its meeting, held and waiting for the decision, decided."""

    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Meeting held"
    DECIDED = "decided", "Decided"
