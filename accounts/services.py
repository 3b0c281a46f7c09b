from __future__ import annotations

from rest_framework.authtoken.models import Token

from accounts.models import User


def token_issue(*, user: User) -> str:
    """The user's API token, created on first request and reused after."""
    token, _ = Token.objects.get_or_create(user=user)
    return str(token.key)
