"""The Medway 2011 plan as data: loaded as written, idempotent, and managed by commissioners."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from commissioning.models import Action, ActionStep, Measure, Outcome, Target, Theme
from commissioning.services import action_update, due_date, plan_load, target_set
from tests.factories import UserFactory
from workflows.errors import InvalidParams, NotPermitted
from workflows.models import TransitionLog


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Theme, Outcome, Measure, Action, ActionStep, Target)
    ]


def test_load_plan_loads_six_themes_and_twenty_three_actions(db):
    call_command("load_plan", "medway-2011")

    assert Theme.objects.count() == 6
    assert Action.objects.count() == 23
    assert list(Action.objects.values_list("number", flat=True).order_by("number")) == list(
        range(1, 24)
    )


def test_actions_are_loaded_as_written(db):
    plan_load(slug="medway-2011")

    eleven = Action.objects.get(number=11)
    assert eleven.lead == "Jane Marriott"
    assert eleven.due_text == "By 10/11"
    assert eleven.evidence == "Discussions held."
    assert eleven.theme.title == "Integrated front line working"
    assert [s.letter for s in Action.objects.get(number=1).steps.all()] == list("abcde")


def test_loading_twice_changes_nothing(db):
    plan_load(slug="medway-2011")
    before = snapshot()

    _, created = plan_load(slug="medway-2011")

    assert not created
    assert snapshot() == before


def test_reloading_keeps_the_progress_and_targets_commissioners_recorded(db):
    plan_load(slug="medway-2011")
    commissioner = UserFactory(role=Role.COMMISSIONER)
    action = Action.objects.get(number=3)
    action_update(by=commissioner, action=action, status="done", note="Signed.")
    measure = Measure.objects.get(metric="personal_budgets_active")
    target_set(by=commissioner, measure=measure, period="2026-27", value="15")

    plan_load(slug="medway-2011")

    assert Action.objects.get(number=3).status == "done"
    target = Target.objects.get(measure=measure, period="2026-27")
    assert (target.value, target.illustrative) == (15, False)


def test_measures_are_linked_to_the_metrics_that_compute_them(db):
    plan_load(slug="medway-2011")

    linked = set(Measure.objects.exclude(metric="").values_list("metric", flat=True))
    assert {
        "children_short_breaks_non_residential",
        "personal_budgets_active",
        "direct_payments_active",
    } <= linked
    assert Measure.objects.get(text__startswith="Feedback from practitioners").metric == ""


def test_example_targets_are_flagged_illustrative(db):
    plan_load(slug="medway-2011")

    assert Target.objects.exists()
    assert not Target.objects.filter(illustrative=False).exists()


def test_an_unknown_plan_is_refused_by_name(db):
    with pytest.raises(CommandError, match="No plan called 'leeds-2020'"):
        call_command("load_plan", "leeds-2020")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By 10/11", dt.date(2011, 10, 31)),
        ("2/12 – 9/12", dt.date(2012, 9, 30)),
        (
            "Report to Aiming High Group 15/6/11; implementation from 6/11 -3/12",
            dt.date(2012, 3, 31),
        ),
        ("Ongoing", None),
        ("[Juliet to complete plse]", None),
    ],
)
def test_due_dates_are_read_from_the_plans_month_and_year(text, expected):
    assert due_date(text) == expected


def test_only_a_commissioner_can_set_a_target_or_update_an_action(db, manager):
    plan_load(slug="medway-2011")
    measure = Measure.objects.get(metric="personal_budgets_active")

    with pytest.raises(NotPermitted):
        target_set(by=manager, measure=measure, period="2026-27", value="1")
    with pytest.raises(NotPermitted):
        action_update(by=manager, action=Action.objects.first(), status="done", note="x")


def test_action_update_records_a_dated_note_and_an_audit_row(db):
    plan_load(slug="medway-2011")
    commissioner = UserFactory(role=Role.COMMISSIONER)
    action = Action.objects.get(number=14)

    note = action_update(
        by=commissioner,
        action=action,
        status="at_risk",
        note="Pilot delayed.",
        on=dt.date(2026, 11, 2),
    )

    action.refresh_from_db()
    assert (action.status, action.status_changed_on) == ("at_risk", dt.date(2026, 11, 2))
    assert note.text == "Pilot delayed."
    assert TransitionLog.objects.filter(transition="update_action", target="at_risk").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": "2026-28"}, "period"),
        ({"value": "-1"}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": 1.5}, "value"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_a_bad_target_is_refused_naming_the_field_and_nothing_changes(db, changes, field):
    plan_load(slug="medway-2011")
    commissioner = UserFactory(role=Role.COMMISSIONER)
    measure = Measure.objects.get(metric="personal_budgets_active")
    before = snapshot()

    with pytest.raises(InvalidParams) as refused:
        target_set(
            by=commissioner, measure=measure, **({"period": "2026-27", "value": "5"} | changes)
        )

    assert field in refused.value.fields
    assert snapshot() == before
