from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("budgets/panel/", views.PanelQueueView.as_view(), name="panel"),
    path("cases/<int:pk>/budget/new/", views.BudgetRequestView.as_view(), name="new"),
    path("budgets/<int:pk>/", views.BudgetPageView.as_view(), name="budget"),
    path("budgets/<int:pk>/score/", views.ScoreView.as_view(), name="score"),
    path("budgets/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("budgets/<int:pk>/entries/new/", views.EntryView.as_view(), name="entry"),
    path("budgets/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("budgets/<int:pk>/statement/", views.StatementPageView.as_view(), name="statement"),
    path(
        "budgets/<int:pk>/steps/<slug:name>/",
        views.BudgetTransitionView.as_view(),
        name="transition",
    ),
]
