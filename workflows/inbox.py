"""The in-app inbox: a person's own notifications, read and marked as read."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.models import User
from workflows.errors import NotPermitted
from workflows.models import Notification


def notifications_of(user: User) -> models.QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_mark_read(*, by: User, notification: Notification) -> Notification:
    if notification.recipient_id != by.pk:
        raise NotPermitted("This notification is for someone else.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
