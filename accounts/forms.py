from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.api import SIGN_IN_FAILED


class SignInForm(AuthenticationForm):
    """Sign in with an email address; one error for any wrong part, to give nothing away."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address"},
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
