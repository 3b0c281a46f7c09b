"""API tokens: django-rest-knox's, with the user loaded with their roles."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from accounts.models import User, with_roles

INVALID = "Invalid token."


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's check (hashed, expiring tokens in the header `Authorization: Token <token>`), but
    the user comes with their roles in the same query, as `accounts.backends.RolesBackend` does
    for sessions, and only the token asked about is looked at: every API request pays for it."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        try:
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error) as error:
            raise exceptions.AuthenticationFailed(INVALID) from error
        for auth_token in AuthToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                auth_token.delete()
                break
            user = with_roles(User.objects.filter(pk=auth_token.user_id, is_active=True)).first()
            if user is None:
                break
            return user, auth_token
        raise exceptions.AuthenticationFailed(INVALID)


class ExpiringTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    """The token in the OpenAPI schema, under the name it had before tokens expired."""

    target_class = "accounts.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`, the token from `POST /api/v1/auth/token/`.",
        }
