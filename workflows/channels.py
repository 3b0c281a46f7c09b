"""Where an e-mail copy of a notification goes: Django's e-mail backend, or GOV.UK Notify.

GOV.UK Notify is chosen by setting NOTIFY_API_KEY; every message then uses one template
(NOTIFY_TEMPLATE_ID) whose body is `((body))` under the subject `((subject))`.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail


class Channel(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None: ...


class DjangoEmail:
    def send(self, *, to: str, subject: str, body: str) -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


class GovukNotify:
    def __init__(self, api_key: str, template_id: str) -> None:
        from notifications_python_client.notifications import (
            NotificationsAPIClient,
        )

        self.client = NotificationsAPIClient(api_key)
        self.template_id = template_id

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.client.send_email_notification(
            email_address=to,
            template_id=self.template_id,
            personalisation={"subject": subject, "body": body},
        )


def email_channel() -> Channel:
    if settings.NOTIFY_API_KEY:
        return GovukNotify(settings.NOTIFY_API_KEY, settings.NOTIFY_TEMPLATE_ID)
    return DjangoEmail()
