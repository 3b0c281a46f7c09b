"""Reminders put into words when they are sent (DESIGN §6).

The sweep writes reminder rows only. Before sending the outbox, the sender takes the reminders
not yet notified, renders each one's subject and body from the templates in
`templates/workflows/reminders/` (which content designers change without touching code), writes
them into the outbox and stamps the reminders notified, in one transaction per batch.
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from workflows import clock
from workflows.models import Notification, Reminder
from workflows.registry import registry, step_of

ESCALATION = -1


def kinds_met_by_a_decision() -> set[str]:
    """The deadline kinds that only a team manager's decision (a `decision` step) meets."""
    decided: set[str] = set()
    others: set[str] = set()
    for machine in registry.machines.values():
        for fsm_transition in machine.transitions():
            step = step_of(fsm_transition)
            (decided if step.decision else others).update(kind.value for kind in step.closes)
    return decided - others


def case_link(case_id: int | None) -> str:
    if case_id is None:
        return ""
    try:
        return reverse("casework:case", args=[case_id])
    except NoReverseMatch:
        return ""


def reminders_notify(*, batch: int = 500) -> int:
    """Write the message of every reminder not yet notified; returns how many were written.

    Rows are taken with SKIP LOCKED, so two senders at once share them; a reminder's message has
    the dedupe key `reminder:deadline:offset:recipient`, so none is ever written twice."""
    written = 0
    while True:
        with transaction.atomic():
            done = _notify_batch(batch)
        written += done
        if done < batch:
            return written


def _notify_batch(batch: int) -> int:
    reminders = list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(notified_at__isnull=True)
        .select_related("deadline")
        .order_by("pk")[:batch]
    )
    if not reminders:
        return 0
    today = clock.today()
    subject = get_template("workflows/reminders/subject.txt")
    body = get_template("workflows/reminders/body.txt")
    decided = kinds_met_by_a_decision()
    labels = {kind.value: kind.label for kind in registry.deadline_kinds.values()}
    messages = []
    for reminder in reminders:
        deadline = reminder.deadline
        words = {
            "what": labels.get(deadline.kind, deadline.kind),
            "label": deadline.label,
            "due_on": deadline.due_on,
            "days_left": (deadline.due_on - today).days,
            "overdue": reminder.offset_days == ESCALATION,
            "waiting": deadline.kind in decided,
        }
        messages.append(
            Notification(
                recipient_id=reminder.recipient_id,
                kind="reminder",
                subject=subject.render(words).strip()[:200],
                body=body.render(words).strip(),
                link=case_link(deadline.case_id),
                dedupe_key=(
                    f"reminder:{deadline.pk}:{reminder.offset_days}:{reminder.recipient_id}"
                ),
            )
        )
    Notification.objects.bulk_create(messages, ignore_conflicts=True)
    Reminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).update(
        notified_at=timezone.now()
    )
    return len(reminders)
