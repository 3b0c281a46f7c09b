from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import second_factor, selectors, services
from accounts.authentication import ExpiringTokenAuthentication
from accounts.models import Team, User, normalise_email
from accounts.roles import Role
from accounts.wording import ENTER_CODE, SIGN_IN_FAILED, WRONG_CODE

LOCKED_OUT = (
    "The password was wrong too many times: signing in to this account is stopped for an hour. "
    "Ask the council's system administrator to unlock it sooner."
)
SET_UP_FIRST = (
    "This account needs a second factor: sign in on the website once to set up an "
    "authenticator app, then send its code as `otp`."
)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text=(
            "The code of the authenticator app: needed by staff and administrators when a "
            "second factor is required (production) or set up."
        ),
    )

    def validate(self, attrs: dict[str, str]) -> dict[str, object]:
        request = self.context["request"]
        user = authenticate(
            request, username=normalise_email(attrs["email"]), password=attrs["password"]
        )
        if getattr(request, "axes_locked_out", False):
            raise exceptions.Throttled(detail=LOCKED_OUT)
        # One message for a wrong address and a wrong password: no hint which part was wrong.
        if user is None:
            raise serializers.ValidationError(SIGN_IN_FAILED, code="sign_in_failed")
        self._check_second_factor(cast(User, user), attrs.get("otp", ""))
        return {"user": user}

    def _check_second_factor(self, user: User, code: str) -> None:
        if not second_factor.applies_to(user):
            return
        device = selectors.second_factor_device(user=user)
        if not second_factor.needed_for(user, has_device=device is not None):
            return
        if device is None:
            raise serializers.ValidationError({"otp": [SET_UP_FIRST]})
        if not code.strip():
            raise serializers.ValidationError({"otp": [ENTER_CODE]})
        if not services.second_factor_check(by=user, device=device, code=code):
            raise serializers.ValidationError({"otp": [WRONG_CODE]})


class ObtainTokenView(APIView):
    """Exchange an email address and password (and, for staff, the authenticator app's code)
    for a new API token. Each sign-in gets its own token, which expires."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {
                "token": serializers.CharField(
                    help_text="Send as `Authorization: Token <token>`."
                ),
                "expiry": serializers.DateTimeField(help_text="When the token stops working."),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, expiry = services.token_issue(by=serializer.validated_data["user"])
        return Response(
            {"token": token, "expiry": serializers.DateTimeField().to_representation(expiry)}
        )


class LogoutView(APIView):
    """End the token this request is made with."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Signed out.")})
    def post(self, request: Request) -> Response:
        services.token_revoke(by=request.user, token=request.auth)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every token of this user, on every client."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={204: OpenApiResponse(description="Every token ended.")}
    )
    def post(self, request: Request) -> Response:
        services.tokens_revoke_all(by=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeTeamSerializer(serializers.Serializer[Team]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(help_text="Their full name, or the address when none is given.")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        help_text="Role names, with the roles each includes: a team manager is a practitioner "
        "too. Empty for an account with no role yet.",
    )
    teams = MeTeamSerializer(many=True, help_text="The teams a member of staff belongs to.")


class MeView(APIView):
    """Who is signed in: for a client deciding what to offer this person."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)
        return Response(
            MeSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "name": user.get_full_name(),
                    "roles": sorted(user.roles),
                    "teams": user.teams.order_by("name", "pk"),
                }
            ).data
        )
