from django.urls import include, path

from casework import views
from casework.views import exceptions
from casework.views.allocation import AllocationView
from casework.views.decisions import DecisionsView
from casework.views.disputes import DisputeCreateView
from casework.views.people import FamilyMemberAddView, FamilyMemberEditView, PersonSearchView
from casework.views.representations import RecordRepresentationView
from casework.views.team_invite import TeamInviteView

app_name = "casework"

urlpatterns = [
    path("caseload/", views.CaseloadView.as_view(), name="caseload"),
    path("team/", views.TeamDashboardView.as_view(), name="team"),
    path("team/decisions/", DecisionsView.as_view(), name="decisions"),
    path("my-child/", views.MyChildView.as_view(), name="my-child"),
    path("referrals/new/", views.ReferralCreateView.as_view(), name="referral-new"),
    path("children/search/", PersonSearchView.as_view(), name="person-search"),
    path(
        "children/<int:pk>/family-members/new/",
        FamilyMemberAddView.as_view(),
        name="family-member-new",
    ),
    path("family-members/<int:pk>/", FamilyMemberEditView.as_view(), name="family-member"),
    path("cases/<int:pk>/", views.CasePageView.as_view(), name="case"),
    path("children/<int:pk>/team/invite/", TeamInviteView.as_view(), name="team-invite"),
    path("cases/<int:pk>/access-log/", views.AccessLogView.as_view(), name="access-log"),
    path(
        "cases/<int:pk>/steps/<slug:name>/",
        views.CaseTransitionView.as_view(),
        name="case-transition",
    ),
    path("cases/<int:pk>/assessment/", views.AssessmentView.as_view(), name="assessment"),
    path("cases/<int:pk>/ehc-request/", views.PlanRequestView.as_view(), name="plan-request"),
    path("cases/<int:pk>/reviews/new/", views.CaseReviewCreateView.as_view(), name="case-review"),
    path(
        "plans/<int:pk>/steps/<slug:name>/",
        views.PlanTransitionView.as_view(),
        name="plan-transition",
    ),
    path("plans/<int:pk>/sections/", views.PlanSectionsView.as_view(), name="plan-sections"),
    path("plans/<int:pk>/reviews/new/", views.PlanReviewCreateView.as_view(), name="plan-review"),
    path("plans/<int:pk>/comments/", views.PlanCommentView.as_view(), name="plan-comment"),
    path(
        "plans/<int:pk>/representations/new/",
        RecordRepresentationView.as_view(),
        name="plan-representation",
    ),
    path("plans/<int:pk>/disputes/new/", DisputeCreateView.as_view(), name="plan-dispute"),
    path("reviews/<int:pk>/", views.ReviewUpdateView.as_view(), name="review"),
    path("", include("casework.views.advice")),
    path("", include("casework.views.professional")),
    path("", include("casework.views.team")),
    path("", include("casework.views.chronology")),
    path("", include("casework.views.advice_professional")),
    path("", include("casework.views.documents")),
    path("", include("casework.views.reviews_professional")),
    path("", include("casework.views.letters")),
    path("", include("casework.views.ehc_requests")),
    path("", include("casework.views.plan_versions")),
    path("", include("casework.views.consent")),
    path("", include("casework.views.deadline_waive")),
    path(
        "plans/<int:pk>/case-officer/",
        exceptions.CaseOfficerView.as_view(),
        name="plan-case-officer",
    ),
    path(
        "deadlines/<int:pk>/exceptions/",
        exceptions.DeadlineExceptionsView.as_view(),
        name="deadline-exceptions",
    ),
    path(
        "deadline-exceptions/<int:pk>/withdraw/",
        exceptions.WithdrawExceptionView.as_view(),
        name="deadline-exception-withdraw",
    ),
    path("cases/<int:pk>/allocate/", AllocationView.as_view(), name="case-allocate"),
]
