from django.urls import path

from commissioning import views

app_name = "commissioning"

urlpatterns = [
    path("commissioning/", views.ReportView.as_view(), name="report"),
    path("commissioning/plans/<int:pk>/", views.PlanView.as_view(), name="plan"),
    path(
        "commissioning/actions/<int:pk>/update/",
        views.ActionUpdateView.as_view(),
        name="action-update",
    ),
    path(
        "commissioning/measures/<int:pk>/targets/<str:period>/",
        views.TargetView.as_view(),
        name="target",
    ),
    path("feedback/", views.FeedbackView.as_view(), name="feedback"),
]
