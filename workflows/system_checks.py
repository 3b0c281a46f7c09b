"""The system check of the declarations (`manage.py check`, so also at start-up and in the tests).

It fails when a transition, a machine's creation, a template or any module of the project names a
deadline kind that is not declared; when a statutory kind has no legal basis or no owner rule;
and when a machine's declared states and transitions do not match its django-fsm-2 field. Each
finding is an Error, so `runserver`, `migrate` and `check` stop on it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.template.utils import get_app_template_dirs

from workflows.registry import DeadlineKind, Machine, Registry, Step, registry

# `{% if deadline.kind == "family_comments" %}` and `{{ "final_plan"|deadline_label }}`. Only a
# deadline's kind (`deadline.kind`, `d.kind`): a ledger entry's or a notification's kind is another
# vocabulary, and a comparison with it is no typo.
TEMPLATE_KIND = re.compile(
    r"""\b(?:deadline|d)\.kind\s*==\s*["'](?P<compared>\w+)["']"""
    r"""|["'](?P<labelled>\w+)["']\s*\|\s*deadline_label"""
)


def declarations(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The check Django runs: every rule below, against the project's registry."""
    # The URLs import every view, and so every module that can name a kind (metrics, reports).
    import_module(settings.ROOT_URLCONF)
    return [
        *declaration_errors(registry),
        *module_errors(registry, _project_modules()),
        *template_errors(registry, _template_dirs()),
    ]


def declaration_errors(reg: Registry) -> list[CheckMessage]:
    errors = [error for kind in reg.deadline_kinds.values() for error in _kind_errors(kind)]
    for machine in reg.machines.values():
        errors += _machine_errors(reg, machine)
    for model, name in reg.hooks:
        if model not in reg.machines:
            errors.append(
                Error(
                    f"A hook is attached to {model.__name__}.{name}, whose model has no machine.",
                    id="workflows.E007",
                )
            )
    return errors


def _kind_errors(kind: DeadlineKind) -> Iterator[CheckMessage]:
    if kind.statutory and not kind.basis.strip():
        yield Error(
            f"The statutory deadline kind “{kind.value}” cites no legal basis.",
            hint="Give it basis=, the regulation or guidance that sets the timescale.",
            id="workflows.E003",
        )
    if kind.statutory and kind.owner is None:
        yield Error(
            f"The statutory deadline kind “{kind.value}” has no owner rule.",
            hint="Give it owner=OwnerRule(...): who is answerable for meeting it.",
            id="workflows.E004",
        )


def _undeclared(reg: Registry, kinds: Iterable[DeadlineKind]) -> list[str]:
    return [kind.value for kind in kinds if reg.deadline_kinds.get(kind.value) is not kind]


def _machine_errors(reg: Registry, machine: Machine) -> Iterator[CheckMessage]:
    where = f"{machine.model.__name__}.{machine.field_name}"
    choices = {str(value) for value, _ in machine.field.flatchoices}
    states = {str(value) for value in machine.states.values}
    if choices != states:
        yield Error(
            f"The machine of {where} declares the states {sorted(states)}, but its field has "
            f"{sorted(choices)}.",
            id="workflows.E005",
        )
    for value in _undeclared(reg, machine.opens_on_create):
        yield Error(
            f"{where} opens the undeclared deadline kind “{value}” on creation.",
            hint="Declare it with registry.declare() from its app's ready().",
            id="workflows.E002",
        )
    for item in machine.transitions():
        name = f"{machine.model.__name__}.{item.name}"
        for state in (item.source, item.target):
            if state not in states and state not in ("*", "+", None):
                yield Error(
                    f"The transition {name} uses the state “{state}”, which the machine of "
                    f"{where} does not declare.",
                    id="workflows.E005",
                )
        step = item.custom.get("step")
        if not isinstance(step, Step):
            yield Error(
                f"The transition {name} declares no Step in its custom dict.",
                hint='Pass custom={"step": Step(...)} to @transition.',
                id="workflows.E001",
            )
            continue
        for value in _undeclared(reg, step.kinds()):
            yield Error(
                f"The transition {name} names the undeclared deadline kind “{value}”.",
                hint="Declare it with registry.declare() from its app's ready().",
                id="workflows.E002",
            )


def module_errors(reg: Registry, modules: Iterable[Any]) -> list[CheckMessage]:
    """A kind that a module holds (a metric, a reminder rule, a report) but nobody declared."""
    errors: list[CheckMessage] = []
    seen: set[int] = set()
    for module in modules:
        for attribute, value in vars(module).items():
            if not isinstance(value, DeadlineKind) or id(value) in seen:
                continue
            seen.add(id(value))
            if reg.deadline_kinds.get(value.value) is not value:
                errors.append(
                    Error(
                        f"{module.__name__}.{attribute} is the deadline kind “{value.value}”, "
                        "which is not declared.",
                        hint="Declare it with registry.declare() from its app's ready().",
                        id="workflows.E002",
                    )
                )
    return errors


def template_errors(reg: Registry, dirs: Iterable[Path]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for directory in dirs:
        for path in sorted(Path(directory).rglob("*.html")):
            for match in TEMPLATE_KIND.finditer(path.read_text(encoding="utf-8")):
                value = match.group("compared") or match.group("labelled")
                if value not in reg.deadline_kinds:
                    errors.append(
                        Error(
                            f"The template {path} names the undeclared deadline kind “{value}”.",
                            id="workflows.E006",
                        )
                    )
    return errors


def _project_modules() -> list[Any]:
    """The loaded modules of the project's own apps (not installed packages, not migrations)."""
    roots = tuple(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(config.path).parts
    )
    return [
        module
        for name, module in list(sys.modules.items())
        if module is not None
        and any(name == root or name.startswith(f"{root}.") for root in roots)
        and ".migrations" not in name
    ]


def _template_dirs() -> list[Path]:
    engines: list[dict[str, Any]] = settings.TEMPLATES
    dirs = [Path(d) for engine in engines for d in engine.get("DIRS", [])]
    return [*dirs, *(Path(d) for d in get_app_template_dirs("templates"))]
