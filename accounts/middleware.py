"""Sign a browser session out after a spell of inactivity (DESIGN §9: records left open on an
unattended screen are records anyone can read), and hold it at the second factor until given."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts import second_factor, selectors
from accounts.models import User

LAST_SEEN = "pathway_last_seen"
# Record activity at most once a minute: a session write on every request would cost a query.
RESOLUTION_SECONDS = 60
IDLE_MESSAGE = (
    "You were signed out because you had not used Pathway for a while. Sign in again to carry on."
)


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and "_auth_user_id" in request.session:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > settings.PATHWAY_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as not signed in
                messages.info(request, IDLE_MESSAGE)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= RESOLUTION_SECONDS or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def start_idle_clock(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Stamp the new session at sign-in, so that the first page after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


# A session that has signed in with a password but not yet given the second factor may reach
# only these: the code page, the set-up page (which refuses to replace an app without the
# code, see views) and signing out.
SECOND_FACTOR_OPEN = frozenset(
    {"accounts:second-factor", "accounts:second-factor-set-up", "accounts:sign-out", "healthz"}
)


class SecondFactorMiddleware:
    """Hold a browser session at the second-factor step until it has given its code.

    Whether the session still owes a code is kept in the session, so a signed-in user costs a
    query only until that is settled. An API call on such a session is answered as not signed in
    (a token client gives its code when it asks for the token).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or "_auth_user_id" not in request.session:
            return None
        if second_factor_owed(request):
            if request.path.startswith("/api/"):
                request.user = AnonymousUser()
                return None
            match = request.resolver_match
            if match is None or match.view_name not in SECOND_FACTOR_OPEN:
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("accounts:second-factor")
                )
        return None


def second_factor_owed(request: HttpRequest) -> bool:
    """Whether this signed-in session must still give a code; settles the session's state."""
    return _settle_second_factor(request.session, request.user)  # type: ignore[arg-type]


def settle_second_factor_at_sign_in(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """Settle the state at sign-in, so that the first page after it asks the database nothing."""
    if request is not None and hasattr(request, "session"):
        _settle_second_factor(request.session, user)


def _settle_second_factor(session: SessionBase, user: User) -> bool:
    state = session.get(second_factor.SESSION_KEY)
    if state == second_factor.VERIFIED or state == second_factor.NOT_NEEDED:
        return False
    if state == second_factor.OPTIONAL and not settings.PATHWAY_REQUIRE_SECOND_FACTOR:
        return False
    if not second_factor.applies_to(user):
        session[second_factor.SESSION_KEY] = second_factor.NOT_NEEDED
        return False
    has_device = selectors.second_factor_device(user=user) is not None
    if second_factor.needed_for(user, has_device=has_device):
        return True
    session[second_factor.SESSION_KEY] = second_factor.OPTIONAL
    return False
