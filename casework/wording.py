"""Plain-English wording for families (DESIGN §11): where we are. What happens next is each
deadline kind's `for_families` (casework.deadlines)."""

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
