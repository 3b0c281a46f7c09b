"""The system check of the declarations fires on each kind of broken declaration (issue #16)."""

from __future__ import annotations

import types
from dataclasses import replace

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from casework.models import Case
from tests.engine import models as engine
from tests.engine.models import Errand, State
from workflows import system_checks
from workflows.registry import DeadlineKind, Machine, OwnerRule, Registry, Step, registry


def errand_registry(*kinds: DeadlineKind, machine: Machine | None = None) -> Registry:
    """A registry with the test errand machine, declaring only `kinds`."""
    reg = Registry()
    reg.register(machine or registry.machine_for(Errand))
    reg.declare(*kinds)
    return reg


def ids(errors: list) -> list[str]:
    return sorted(error.id for error in errors)


def test_the_project_passes_its_own_system_check():
    call_command("check")

    assert not [error for error in run_checks() if error.id.startswith("workflows.")]


def test_the_declarations_check_is_registered_with_django(monkeypatch):
    monkeypatch.setitem(
        registry.deadline_kinds, "errand_decision", replace(engine.ERRAND_DECISION)
    )

    assert "workflows.E002" in ids(run_checks())


def test_every_declared_statutory_kind_has_a_basis_and_an_owner_rule():
    statutory = [kind for kind in registry.deadline_kinds.values() if kind.statutory]

    assert statutory
    for kind in statutory:
        assert kind.basis.strip(), kind
        assert isinstance(kind.owner, OwnerRule), kind


def test_a_transition_naming_an_undeclared_kind_fails_the_check():
    reg = errand_registry(engine.ERRAND_FIRST_LOOK, engine.ERRAND_DECISION)

    errors = system_checks.declaration_errors(reg)

    assert ids(errors) == ["workflows.E002"]
    assert "Errand.approve" in errors[0].msg
    assert "errand_review" in errors[0].msg


def test_a_kind_opened_on_creation_but_not_declared_fails_the_check():
    reg = errand_registry(engine.ERRAND_DECISION, engine.ERRAND_REVIEW)

    errors = system_checks.declaration_errors(reg)

    assert ids(errors) == ["workflows.E002"]
    assert "on creation" in errors[0].msg


def test_a_lookalike_of_a_declared_kind_fails_the_check():
    """Declared means this very object: another kind with the same value is not declared."""
    reg = errand_registry(
        replace(engine.ERRAND_DECISION), engine.ERRAND_REVIEW, engine.ERRAND_FIRST_LOOK
    )

    assert set(ids(system_checks.declaration_errors(reg))) == {"workflows.E002"}


def test_an_unknown_kind_is_refused_not_made_statutory():
    with pytest.raises(LookupError, match="errand_decison"):
        registry.kind("errand_decison")


def test_a_kind_declared_twice_under_one_value_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        errand_registry(engine.ERRAND_REVIEW, replace(engine.ERRAND_REVIEW))


def test_a_statutory_kind_without_a_basis_fails_the_check():
    unfounded = replace(engine.ERRAND_DECISION, basis=" ")

    errors = system_checks.declaration_errors(Registry(deadline_kinds={"x": unfounded}))

    assert ids(errors) == ["workflows.E003"]


def test_a_statutory_kind_without_an_owner_rule_fails_the_check():
    ownerless = replace(engine.ERRAND_DECISION, owner=None)

    errors = system_checks.declaration_errors(Registry(deadline_kinds={"x": ownerless}))

    assert ids(errors) == ["workflows.E004"]


def test_a_council_policy_kind_needs_neither_basis_nor_owner():
    policy = DeadlineKind("policy", "Policy", engine.review_due, statutory=False)

    assert system_checks.declaration_errors(Registry(deadline_kinds={"policy": policy})) == []


def test_a_machine_whose_states_do_not_match_its_field_fails_the_check():
    from casework.models import CaseStatus

    wrong = replace(registry.machine_for(Errand), states=CaseStatus)

    errors = system_checks.declaration_errors(errand_registry(*engine.KINDS, machine=wrong))

    assert set(ids(errors)) == {"workflows.E005"}
    assert "declares the states" in errors[0].msg
    assert any("Errand.submit" in error.msg for error in errors)


def test_a_transition_without_a_step_fails_the_check(monkeypatch):
    approve = registry.machine_for(Errand).transition_from(State.SUBMITTED, "approve")
    monkeypatch.setattr(approve, "custom", {"label": "Approve"})

    errors = system_checks.declaration_errors(errand_registry(*engine.KINDS))

    assert ids(errors) == ["workflows.E001"]
    assert "Errand.approve" in errors[0].msg


def test_a_hook_on_a_model_without_a_machine_fails_the_check():
    reg = errand_registry(*engine.KINDS)
    reg.hook(Case.close, effects=(lambda record, **kwargs: None,))

    assert ids(system_checks.declaration_errors(reg)) == ["workflows.E007"]


def test_a_module_holding_an_undeclared_kind_fails_the_check():
    metric = types.ModuleType("commissioning.some_metric")
    metric.LATE = DeadlineKind("late_thing", "Late", engine.review_due, statutory=False)
    metric.DECISION = engine.ERRAND_DECISION

    errors = system_checks.module_errors(errand_registry(*engine.KINDS), [metric])

    assert ids(errors) == ["workflows.E002"]
    assert "some_metric.LATE" in errors[0].msg


def test_a_template_naming_an_undeclared_kind_fails_the_check_and_another_kind_does_not(tmp_path):
    (tmp_path / "fine.html").write_text('{% if d.kind == "errand_review" %}x{% endif %}')
    (tmp_path / "typo.html").write_text('{% if d.kind == "errand_reveiw" %}x{% endif %}')
    (tmp_path / "label.html").write_text('{{ "no_such_kind"|deadline_label }}')
    (tmp_path / "ledger.html").write_text('{% if entry.kind == "payment" %}x{% endif %}')

    errors = system_checks.template_errors(errand_registry(*engine.KINDS), [tmp_path])

    assert ids(errors) == ["workflows.E006", "workflows.E006"]
    assert {"errand_reveiw", "no_such_kind"} == {
        word for error in errors for word in ("errand_reveiw", "no_such_kind") if word in error.msg
    }


def test_a_step_declares_what_the_transition_does():
    step = registry.machine_for(Errand).transition_from(State.SUBMITTED, "approve").custom["step"]

    assert isinstance(step, Step)
    assert (step.label, step.closes, step.opens) == (
        "Approve",
        (engine.ERRAND_DECISION,),
        (engine.ERRAND_REVIEW,),
    )


def test_a_stored_kind_no_longer_declared_still_shows_on_a_page_in_words():
    from workflows.templatetags.govuk import deadline_label

    assert deadline_label("retired_kind") == "retired kind"
    assert deadline_label("final_plan") == registry.kind("final_plan").label
