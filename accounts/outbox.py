"""Where the accounts app's e-mails (a password-reset link) go: the engine's outbox.

`accounts` sits below `workflows` and may not import it, so the engine hands its sender over
from its `ready()` (the registry pattern of ADR 0005). There is deliberately no fallback to
`send_mail`: a message outside the outbox would not be retried, listed or kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User

Sender = Callable[..., None]
_sender: list[Sender] = []


def register(sender: Sender) -> None:
    """`sender(recipient=, kind=, subject=, body=, link=)` writes one message to the outbox."""
    _sender[:] = [sender]


def send(*, recipient: User, kind: str, subject: str, body: str, link: str = "") -> None:
    if not _sender:
        raise ImproperlyConfigured("No outbox registered: the workflows app registers it.")
    _sender[0](recipient=recipient, kind=kind, subject=subject, body=body, link=link)
