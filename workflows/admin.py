from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from workflows.models import (
    BatchFailure,
    Deadline,
    DeliveryStatus,
    Notification,
    TransitionLog,
)


class ViewOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A record the admin may read but never add, change or delete, even as a superuser: the
    statutory trail (deadlines, notifications sent, audit rows, reads, the ledger) is kept as
    it happened. The change and delete views answer 403 to anything but a read."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    """Where an administrator sees e-mails that failed after every retry, and retries them.

    Retrying is the one action: it queues the same e-mail again and changes nothing it says.
    """

    list_display = ["subject", "recipient", "kind", "email_status", "attempts", "created_at"]
    list_filter = ["email_status", "kind"]
    search_fields = ["subject", "recipient__email"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["retry"]

    @admin.action(description="Try sending the e-mail again")
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = queryset.filter(email_status=DeliveryStatus.FAILED).update(
            email_status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
        )
        self.message_user(request, f"{count} notifications will be sent again.")


@admin.register(Deadline)
class DeadlineAdmin(ViewOnlyAdmin):
    list_display = ["kind", "label", "due_on", "status", "closed_on"]
    list_filter = ["status", "kind"]
    readonly_fields = [field.name for field in Deadline._meta.fields]


@admin.register(TransitionLog)
class TransitionLogAdmin(ViewOnlyAdmin):
    list_display = ["transition", "subject_type", "subject_id", "actor", "at", "effective_on"]
    list_filter = ["transition", "subject_type"]
    readonly_fields = [field.name for field in TransitionLog._meta.fields]


@admin.register(BatchFailure)
class BatchFailureAdmin(ViewOnlyAdmin):
    """The items scheduled work could not do; written by the tasks, only ever looked at here."""

    list_display = ["failed_at", "task", "item", "team_id"]
    list_filter = ["task"]
    search_fields = ["item", "error"]
    readonly_fields = [field.name for field in BatchFailure._meta.fields]
