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

# A step on the chronology, in the past tense as a person would say it ("Referral accepted"),
# by the record's model and the step's name ("create" for the record's creation). A step without
# words here shows as its record and the step's own label: words only, never a rule.
STEP_DONE = {
    ("case", "create"): "Referral received",
    ("case", "accept_referral"): "Referral accepted",
    ("case", "complete_assessment"): "Assessment completed",
    ("case", "start_support"): "Support started",
    ("case", "begin_review"): "Review of the support begun",
    ("case", "complete_review"): "Review of the support completed",
    ("case", "begin_transition"): "Preparing for adulthood begun",
    ("case", "transfer_to_adult_services"): "Moved to adult services",
    ("case", "signpost"): "Signposted to targeted services",
    ("case", "close_no_eligible_need"): "Case closed: no eligible need",
    ("case", "close"): "Case closed",
    ("case", "reopen"): "Case reopened",
    ("case", "override_consent"): "Consent to share overridden",
    ("case", "record_consent"): "Consent to share recorded",
    ("ehcplan", "create"): "Request for an EHC needs assessment received",
    ("ehcplan", "agree_to_assess"): "Agreed to carry out an EHC needs assessment",
    ("ehcplan", "refuse_to_assess"): "Refused to carry out an EHC needs assessment",
    ("ehcplan", "issue_draft"): "Draft plan issued",
    ("ehcplan", "decide_not_to_issue"): "Decided not to issue an EHC plan",
    ("ehcplan", "issue_final"): "Final plan issued",
    ("ehcplan", "start_review"): "Review meeting held",
    ("ehcplan", "maintain"): "Plan kept as it is after the review",
    ("ehcplan", "amend"): "Changes to the plan proposed",
    ("ehcplan", "cease"): "Plan ended",
    ("review", "create"): "Review arranged",
    ("review", "hold_meeting"): "Review meeting recorded",
    ("review", "clear_meeting"): "Review meeting date removed",
    ("review", "decide"): "Review decided",
    ("transfer", "create"): "Move to or from another council recorded",
    ("transfer", "give_notice"): "Family told of the move",
    ("transfer", "send"): "Plan and advice sent to the new council",
    ("reassessment", "create"): "Request to re-assess received",
    ("reassessment", "reassess"): "Decided to re-assess",
    ("reassessment", "refuse"): "Refused to re-assess",
    ("reassessment", "complete"): "Plan issued after the re-assessment",
    ("personalbudget", "create"): "Personal budget started",
    ("personalbudget", "calculate"): "Indicative budget worked out",
    ("personalbudget", "submit"): "Personal budget sent to the panel",
    ("personalbudget", "return_for_changes"): "Personal budget returned for changes",
    ("personalbudget", "approve"): "Personal budget approved",
    ("personalbudget", "suspend"): "Personal budget suspended",
    ("personalbudget", "resume"): "Personal budget resumed",
    ("personalbudget", "end"): "Personal budget ended",
    ("personalbudget", "review_recorded"): "Review of the personal budget recorded",
    ("package", "create"): "Short-break package proposed",
    ("package", "approve"): "Short-break package approved",
    ("package", "decline"): "Short-break package declined",
    ("package", "activate"): "Short-break package started",
    ("package", "end"): "Short-break package ended",
    ("advicerequest", "create"): "Advice asked for",
    ("advicerequest", "submit"): "Advice received",
    ("session", "create"): "Short-break session booked",
    ("session", "deliver"): "Short-break session delivered",
    ("session", "cancel"): "Short-break session cancelled",
    ("session", "record_no_show"): "Short-break session missed",
}
