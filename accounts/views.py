from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.forms import SignInForm
from accounts.roles import Role

START_PAGES = {
    Role.TEAM_MANAGER: "casework:team",
    Role.PRACTITIONER: "casework:caseload",
    Role.COMMISSIONER: "accounts:start-commissioner",
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


class StartPageView(LoginRequiredMixin, TemplateView):
    """A role's start page. Each domain issue replaces its role's page with the real work list."""

    template_name = "accounts/start.html"
    role: Role = Role.PRACTITIONER
    title = ""
    description = ""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not request.user.has_role(self.role):  # type: ignore[union-attr]
            raise PermissionDenied("This page is for another role.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return super().get_context_data(
            title=self.title, description=self.description, role=self.role.label, **kwargs
        )


class NoRoleView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/no_role.html"


def start_page(role: Role, title: str, description: str) -> object:
    return StartPageView.as_view(role=role, title=title, description=description)
