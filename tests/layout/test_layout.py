"""The layout rules a reader relies on: services say what they take, and the staff checks and the
acting user are written once, in workflows/acting.py, for every app."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import accounts.services
import budgets.services
import casework.services
import commissioning.services
import shortbreaks.services

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "workflows", "casework", "budgets", "shortbreaks", "commissioning"]
APP_SERVICES = [
    accounts.services,
    casework.services,
    budgets.services,
    shortbreaks.services,
    commissioning.services,
]


def _services(module: ModuleType) -> list[tuple[str, object]]:
    """The public functions of a services module, or of every module of a services package."""
    modules = [module]
    if hasattr(module, "__path__"):
        modules += [
            importlib.import_module(f"{module.__name__}.{info.name}")
            for info in pkgutil.iter_modules(module.__path__)
        ]
    return [
        (f"{each.__name__}.{name}", function)
        for each in modules
        for name, function in inspect.getmembers(each, inspect.isfunction)
        if function.__module__ == each.__name__ and not name.startswith("_")
    ]


@pytest.mark.parametrize("module", APP_SERVICES, ids=lambda module: module.__name__)
def test_no_service_takes_keyword_arguments_it_does_not_name(module):
    loose = [
        f"{name}(**{parameter.name}: {parameter.annotation})"
        for name, function in _services(module)
        for parameter in inspect.signature(function).parameters.values()
        if parameter.kind is inspect.Parameter.VAR_KEYWORD
        and not str(parameter.annotation).startswith("Unpack[")
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("changes", "allowed"),
    [
        (casework.services.PlanChanges, casework.services.PLAN_EDITABLE_FIELDS),
        (budgets.services.BudgetPlanChanges, budgets.services.PLAN_FIELDS),
        (shortbreaks.services.ServiceChanges, shortbreaks.services.SERVICE_FIELDS),
    ],
    ids=["plan_update", "budget_plan", "service_save"],
)
def test_a_services_typed_changes_are_exactly_the_fields_it_lets_change(changes, allowed):
    assert changes.__required_keys__ | changes.__optional_keys__ == set(allowed)


def test_the_staff_check_and_the_acting_user_are_written_once():
    helpers = {"require_staff", "_require_staff", "acting_user", "current_user"}
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(ROOT)}:{node.name}"
                for node in tree.body
                if isinstance(node, ast.FunctionDef) and node.name in helpers
            ]
    assert found == ["workflows/acting.py:acting_user", "workflows/acting.py:require_staff"]
