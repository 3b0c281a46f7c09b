from django.urls import path

from shortbreaks import change_views, proposal_views, views

app_name = "shortbreaks"

urlpatterns = [
    path("short-breaks/", views.ServicesStatementView.as_view(), name="statement"),
    path("short-breaks/<uuid:service_id>/", views.ServicePageView.as_view(), name="service"),
    path("short-breaks.csv", views.services_statement_csv, name="statement-csv"),
    path("cases/<int:pk>/packages/new/", views.PackageRequestView.as_view(), name="package-new"),
    path("packages/<int:pk>/", views.PackagePageView.as_view(), name="package"),
    path(
        "packages/<int:pk>/steps/<slug:name>/",
        views.PackageTransitionView.as_view(),
        name="package-transition",
    ),
    path(
        "sessions/<int:pk>/steps/<slug:name>/",
        views.SessionTransitionView.as_view(),
        name="session-transition",
    ),
    path("children/<int:pk>/care-notes/", views.CareNotesView.as_view(), name="care-notes"),
    path("provider/", views.ProviderHomeView.as_view(), name="provider"),
    path("provider/calendar/", views.ProviderCalendarView.as_view(), name="provider-calendar"),
    path("provider/day/<str:day>/", views.ProviderDayView.as_view(), name="provider-day"),
    path(
        "provider/services/",
        proposal_views.ProviderServicesView.as_view(),
        name="provider-services",
    ),
    path(
        "provider/services/new/",
        proposal_views.ProposeChangeView.as_view(),
        name="provider-service-new",
    ),
    path(
        "provider/services/<int:pk>/change/",
        proposal_views.ProposeChangeView.as_view(),
        name="provider-service-change",
    ),
    path(
        "provider/changes/<int:pk>/",
        change_views.ProviderChangeView.as_view(),
        name="provider-change",
    ),
    path("local-offer/changes/", change_views.ChangesQueueView.as_view(), name="changes"),
    path("local-offer/changes/<int:pk>/", change_views.ChangeReviewView.as_view(), name="change"),
    path(
        "local-offer/not-checked/",
        change_views.ServicesNotCheckedView.as_view(),
        name="stale-services",
    ),
    path(
        "local-offer/services/<int:pk>/edit/",
        proposal_views.ServiceEditView.as_view(),
        name="service-edit",
    ),
]
