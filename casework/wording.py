"""Plain-English wording for families (DESIGN §11): where we are, and what happens next."""

from __future__ import annotations

CASE_STATUS_FOR_FAMILIES = {
    "referred": "We have received a referral for {name}. We will decide what happens next within "
    "one working day.",
    "assessing": "We are assessing {name}'s needs and your family's circumstances.",
    "planning": "The assessment is finished. We are planning the support {name} will get.",
    "active": "{name} is receiving support.",
    "reviewing": "We are reviewing the support {name} gets, to check it still meets their needs.",
    "preparing_for_adulthood": "We are helping {name} prepare for adult life and adult services.",
    "closed": "{name}'s case is closed.",
}

PLAN_STATUS_FOR_FAMILIES = {
    "requested": "We have received the request for an education, health and care (EHC) needs "
    "assessment. We will tell you whether we will carry one out.",
    "assessing": "We are carrying out the EHC needs assessment.",
    "refused": "We decided not to carry out an EHC needs assessment. You can appeal against "
    "this decision to the SEND Tribunal.",
    "draft": "The draft EHC plan is ready. You can comment on it and ask for a particular school "
    "or college.",
    "not_issued": "We decided not to issue an EHC plan. You can appeal against this decision to "
    "the SEND Tribunal.",
    "final": "The EHC plan has been issued.",
    "under_review": "The EHC plan is being reviewed.",
    "ceased": "The EHC plan has ended.",
}

DEADLINES_FOR_FAMILIES = {
    "referral_decision": "We decide what happens with the referral",
    "assessment_complete": "We finish the assessment",
    "decision_to_assess": "We tell you whether we will carry out an EHC needs assessment",
    "decision_not_to_issue": "If we decide not to issue a plan, we tell you by",
    "family_comments": "Your last day to comment on the draft plan",
    "final_plan": "We issue the final EHC plan",
    "annual_review": "The plan's review meeting",
    "review_report": "We send you the review report",
    "review_decision": "We tell you our decision after the review",
    "amended_final": "We issue the amended EHC plan",
    "phase_transfer": "We update the plan for the move to a new school or college",
}
