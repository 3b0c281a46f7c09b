"""Sign a browser session out after a spell of inactivity (DESIGN §9: records left open on an
unattended screen are records anyone can read)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

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
