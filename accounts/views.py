from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import second_factor, selectors, services
from accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
)
from accounts.models import InvitationState, User
from accounts.roles import Role
from accounts.wording import WRONG_CODE

START_PAGES = {
    Role.TEAM_MANAGER: "casework:team",
    Role.PRACTITIONER: "casework:caseload",
    Role.COMMISSIONER: "commissioning:report",
    Role.PROVIDER: "shortbreaks:provider",
    Role.FAMILY: "casework:my-child",
    Role.PROFESSIONAL: "casework:professional-home",
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


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user: User = self.request.user  # type: ignore[assignment]
        applies = second_factor.applies_to(user)
        return super().get_context_data(**kwargs) | {
            "second_factor_applies": applies,
            "second_factor_set_up": applies and selectors.second_factor_device(user=user),
            "second_factor_required": second_factor.required_for(user),
        }


NOT_FOR_YOU = "Two-step verification is for staff, professionals and administrators."


def _next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("accounts:home")


def _with_next(view_name: str, request: HttpRequest) -> HttpResponseRedirect:
    return redirect(f"{reverse(view_name)}?{urlencode({'next': _next_page(request)})}")


class SecondFactorView(LoginRequiredMixin, FormView):  # type: ignore[type-arg]
    """The code after the password: the second step of signing in."""

    template_name = "accounts/second_factor.html"
    form_class = CodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not second_factor.applies_to(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(NOT_FOR_YOU)
        self.device = selectors.second_factor_device(user=request.user)  # type: ignore[arg-type]
        if self.device is None:
            return _with_next("accounts:second-factor-set-up", request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"next": _next_page(self.request)}

    def form_valid(self, form: CodeForm) -> HttpResponse:
        user: User = self.request.user  # type: ignore[assignment]
        if not services.second_factor_check(
            by=user, device=self.device, code=form.cleaned_data["code"]
        ):
            form.add_error("code", WRONG_CODE)
            return self.form_invalid(form)
        second_factor.mark_verified(self.request)
        return redirect(_next_page(self.request))


SETUP_KEY = "pathway_second_factor_key"


class SecondFactorSetUpView(LoginRequiredMixin, FormView):  # type: ignore[type-arg]
    """Set up an authenticator app: scan the QR code (or type the key), then give a code.

    The secret waits in the session until a right code proves the app has it, so nothing is
    written until then. Replacing an app needs this session to have given the old app's code.
    """

    template_name = "accounts/second_factor_set_up.html"
    form_class = CodeForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user: User = request.user  # type: ignore[assignment]
        if not second_factor.applies_to(user):
            raise PermissionDenied(NOT_FOR_YOU)
        verified = request.session.get(second_factor.SESSION_KEY) == second_factor.VERIFIED
        if selectors.second_factor_device(user=user) is not None and not verified:
            return _with_next("accounts:second-factor", request)
        if SETUP_KEY not in request.session:
            request.session[SETUP_KEY] = random_hex(20)
        self.key = request.session[SETUP_KEY]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        device = TOTPDevice(user=self.request.user, key=self.key, name="Pathway")
        uri = device.config_url
        svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).to_string()
        secret = base64.b32encode(bytes.fromhex(self.key)).decode()
        return super().get_context_data(**kwargs) | {
            "next": _next_page(self.request),
            "otpauth_uri": uri,
            "qr_code": "data:image/svg+xml;base64," + base64.b64encode(svg).decode(),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }

    def form_valid(self, form: CodeForm) -> HttpResponse:
        user: User = self.request.user  # type: ignore[assignment]
        device = services.second_factor_set_up(
            by=user, key=self.key, code=form.cleaned_data["code"]
        )
        if device is None:
            form.add_error("code", WRONG_CODE)
            return self.form_invalid(form)
        del self.request.session[SETUP_KEY]
        second_factor.mark_verified(self.request)
        messages.success(self.request, "Your authenticator app is set up.")
        return redirect(_next_page(self.request))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's: this browser stays signed in (`update_session_auth_hash`); every other session
    and every API token of the user ends (`User.save`)."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Your password has been changed. You have been signed out everywhere else.",
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address has an account: nobody learns who has one."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link works once (the token is made from the password it replaces) and for an hour
    (PASSWORD_RESET_TIMEOUT)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class InvitationView(FormView):  # type: ignore[type-arg]
    """The page an invitation's link opens: the invited professional chooses a password and is
    signed in, or sent on to set up an authenticator app where one is required. A link that is
    used, out of date or not one at all says so plainly and names nobody: the link is the key."""

    template_name = "accounts/invitation.html"
    form_class = NewPasswordForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.invitation = selectors.invitation_of(kwargs["token"])
        if self.invitation is None or self.invitation.state != InvitationState.OPEN:
            return self.closed(self.invitation.state if self.invitation else None)
        return super().dispatch(request, *args, **kwargs)

    def closed(self, state: InvitationState | None) -> HttpResponse:
        return render(
            self.request,
            "accounts/invitation_closed.html",
            {"state": state, "days": settings.PATHWAY_INVITATION_DAYS},
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"user": self.invitation.user}  # type: ignore[union-attr]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"email": self.invitation.user.email}  # type: ignore[union-attr]

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        try:
            user = services.invitation_accept(
                invitation=self.invitation,  # type: ignore[arg-type]
                password=form.cleaned_data["new_password1"],
            )
        except services.InvitationClosed as closed:
            return self.closed(closed.state)
        login(self.request, user, backend="accounts.backends.RolesBackend")
        if second_factor.required_for(user):
            messages.success(
                self.request,
                "Your password is set. Now set up an authenticator app: you will give a code "
                "from it each time you sign in.",
            )
            return redirect("accounts:second-factor-set-up")
        messages.success(self.request, "Your password is set and you are signed in.")
        return redirect("accounts:home")
