from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.forms import SignInForm
from accounts.roles import Role

START_PAGES = {
    Role.TEAM_MANAGER: "casework:team",
    Role.PRACTITIONER: "casework:caseload",
    Role.COMMISSIONER: "commissioning:report",
    Role.PROVIDER: "shortbreaks:provider",
    Role.FAMILY: "casework:my-child",
}


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Send each person to the start page of their role."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    role = request.user.primary_role  # type: ignore[union-attr]
    if role is not None:
        return redirect(START_PAGES[Role(role)])
    if request.user.is_superuser:
        return redirect("admin:index")
    return redirect("accounts:no-role")


class NoRoleView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/no_role.html"
