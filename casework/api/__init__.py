"""Casework API (DESIGN §10): thin viewsets over casework selectors and services, one module
per resource."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from casework.api import advice, documents, notes
from casework.api.assessments import AssessmentViewSet
from casework.api.cases import CaseViewSet
from casework.api.children import ChildViewSet
from casework.api.children import urlpatterns as family_member_urlpatterns
from casework.api.deadlines import DeadlineViewSet
from casework.api.disputes import PlanDisputeViewSet, TribunalOrderStepViewSet
from casework.api.ehc_requests import EHCRequestViewSet
from casework.api.exceptions import DeadlineExceptionViewSet
from casework.api.letters import LetterViewSet
from casework.api.plan_versions import urlpatterns as plan_version_urlpatterns
from casework.api.plans import EHCPlanViewSet
from casework.api.professionals import OrganisationViewSet, ProfessionalViewSet
from casework.api.referrals import ReferralViewSet
from casework.api.representations import RepresentationViewSet
from casework.api.reviews import ReviewViewSet
from casework.api.team import urlpatterns as team_urlpatterns
from casework.api.users import StaffViewSet

router = DefaultRouter()
router.register("children", ChildViewSet, basename="child")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("cases", CaseViewSet, basename="case")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("ehc-plans", EHCPlanViewSet, basename="ehc-plan")
router.register("reviews", ReviewViewSet, basename="review")
router.register(
    r"ehc-plans/(?P<pk>[0-9]+)/representations",
    RepresentationViewSet,
    basename="plan-representation",
)
router.register("deadlines", DeadlineViewSet, basename="deadline")
advice.register(router)
router.register(r"ehc-plans/(?P<pk>[0-9]+)/disputes", PlanDisputeViewSet, basename="plan-dispute")
router.register("tribunal-order-steps", TribunalOrderStepViewSet, basename="tribunal-order-step")
router.register("deadline-exceptions", DeadlineExceptionViewSet, basename="deadline-exception")
notes.register(router)
documents.register(router)
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("professionals", ProfessionalViewSet, basename="professional")
router.register("letters", LetterViewSet, basename="letter")
router.register("ehc-requests", EHCRequestViewSet, basename="ehc-request")
router.register("users", StaffViewSet, basename="user")

# Routes with names of their own (`child-team`, `team-member-detail`, `child-consents`), beside
# the router's: config.urls adds them to the API's.
urlpatterns = [*team_urlpatterns, *plan_version_urlpatterns, *family_member_urlpatterns]
