from django.urls import path

from shortbreaks import views

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
]
