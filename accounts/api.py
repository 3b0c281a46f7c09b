from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import token_issue

SIGN_IN_FAILED = "Enter a correct email address and password."


LOCKED_OUT = (
    "The password was wrong too many times: signing in to this account is stopped for an hour. "
    "Ask the council's system administrator to unlock it sooner."
)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs: dict[str, str]) -> dict[str, object]:
        user = authenticate(
            self.context["request"], username=attrs["email"], password=attrs["password"]
        )
        if getattr(self.context["request"], "axes_locked_out", False):
            raise exceptions.Throttled(detail=LOCKED_OUT)
        # One message for a wrong address and a wrong password: no hint which part was wrong.
        if user is None:
            raise serializers.ValidationError(SIGN_IN_FAILED, code="sign_in_failed")
        return {"user": user}


class ObtainTokenView(APIView):
    """Exchange an email address and password for an API token."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": token_issue(user=serializer.validated_data["user"])})
