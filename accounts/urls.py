from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.SecondFactorView.as_view(), name="second-factor"),
    path("sign-out/", LogoutView.as_view(), name="sign-out"),
    path("no-role/", views.NoRoleView.as_view(), name="no-role"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "account/second-factor/",
        views.SecondFactorSetUpView.as_view(),
        name="second-factor-set-up",
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("invitation/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
]
