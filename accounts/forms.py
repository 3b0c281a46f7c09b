from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.urls import reverse

from accounts import outbox
from accounts.models import User, normalise_email
from accounts.wording import ENTER_CODE, SIGN_IN_FAILED

STRENGTH_HINT = (
    "At least 8 characters. Not a common password, not only numbers and not like your name or "
    "email address."
)
EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.org",
    "max_length": "Your email address must be %(limit_value)s characters or fewer",
}


class SignInForm(AuthenticationForm):
    """Sign in with an email address; one error for any wrong part, to give nothing away."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link. The link goes through the outbox like every other message."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )

    def get_users(self, email: str) -> Any:
        users = User.objects.filter(email=normalise_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        link = reverse(
            "accounts:password-reset-confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        outbox.send(
            recipient=context["user"],
            kind="password_reset",
            subject=f"Reset your {settings.PATHWAY_SERVICE_NAME} password",
            body=(
                "Somebody, we hope you, asked to reset the password of your "
                f"{settings.PATHWAY_SERVICE_NAME} account. Follow the link to choose a new "
                "one. It works once, within an hour.\n\nIf you did not ask, you can ignore this "
                "message: "
                "your password has not changed."
            ),
            link=link,
        )


def _govuk_passwords(form: SetPasswordForm) -> None:  # type: ignore[type-arg]
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = STRENGTH_HINT
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Confirm new password"
    form.fields["new_password2"].help_text = ""
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again"
    # A copy: the class's own dict is Django's, shared by every form of the kind.
    form.error_messages = {
        **form.error_messages,
        "password_mismatch": "The two new passwords must be the same",
    }


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk_passwords(self)


class ChangePasswordForm(PasswordChangeForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right: try again",
        }
        _govuk_passwords(self)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6 digits the app shows for your Pathway account now.",
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": ENTER_CODE,
            "max_length": "The code must be 10 characters or fewer",
        },
    )
