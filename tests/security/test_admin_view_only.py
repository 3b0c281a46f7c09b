"""The Django admin shows the statutory trail but cannot change it (issue #15, item 10):
deadlines, notifications, audit rows, access-log rows and ledger entries are view only, for a
superuser too. Their change and delete views refuse (403) anything but a read."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory

from accounts.roles import Role
from budgets.models import LedgerEntry
from casework.models import AccessLog
from casework.services import access_record
from tests.factories import ActiveBudgetFactory, UserFactory, staff
from tests.security.world import TODAY
from workflows.models import Deadline, Notification, TransitionLog

MODELS = [Deadline, Notification, TransitionLog, AccessLog, LedgerEntry]


@pytest.fixture
def world(db, team):
    """An approved budget: its allocation, audit rows and review deadline; a read; a notice."""
    with time_machine.travel(TODAY, tick=False):
        practitioner = staff(Role.PRACTITIONER, team)
        budget = ActiveBudgetFactory(child__team=team, practitioner=practitioner)
        access_record(by=practitioner, child_id=budget.child_id, record=budget, via="api")
        Notification.objects.create(
            recipient=practitioner, kind="test", subject="A reminder", body="Due soon"
        )
        yield {"admin": UserFactory(email="root@example.org", is_staff=True, is_superuser=True)}


@pytest.fixture
def superuser_client(client, world):
    client.force_login(world["admin"])
    return client


def url(model, view: str, *args) -> str:
    from django.urls import reverse

    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def row(model):
    return model.objects.order_by("pk").first()


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_admin_cannot_add_change_or_delete_the_trail_even_as_a_superuser(
    world, superuser_client, model
):
    record = row(model)
    before = model.objects.filter(pk=record.pk).values().get()
    count = model.objects.count()

    listed = superuser_client.get(url(model, "changelist"))
    shown = superuser_client.get(url(model, "change", record.pk))
    changed = superuser_client.post(url(model, "change", record.pk), {})
    delete_page = superuser_client.get(url(model, "delete", record.pk))
    deleted = superuser_client.post(url(model, "delete", record.pk), {"post": "yes"})
    added = superuser_client.post(url(model, "add"), {})
    bulk = superuser_client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )

    assert listed.status_code == 200
    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert (changed.status_code, delete_page.status_code, deleted.status_code) == (403, 403, 403)
    assert added.status_code == 403
    assert bulk.status_code in {200, 302}  # no such action: the list is shown again
    assert model.objects.count() == count
    assert model.objects.filter(pk=record.pk).values().get() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_no_permission_to_add_change_or_delete_is_given_to_a_superuser(world, model):
    request = RequestFactory().get("/admin/")
    request.user = world["admin"]
    model_admin = admin.site._registry[model]
    record = row(model)

    assert model_admin.has_view_permission(request, record)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_delete_permission(request, record)
    assert "delete_selected" not in model_admin.get_actions(request)
