from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workflows.checks import transition_label
from workflows.registry import Machine, registry


def machine_dot(machine: Machine) -> str:
    """One machine as a Graphviz digraph: states as nodes, transitions as labelled edges."""
    name = machine.model.__name__
    lines = [
        f"digraph {name} {{",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Arial"];',
    ]
    initial = machine.field.get_default()
    for state, label in machine.field.flatchoices:
        shape = ", peripheries=2" if state == initial else ""
        lines.append(f'  "{state}" [label="{label}"{shape}];')
    for item in machine.transitions():
        sources = (
            list(machine.field.flatchoices) if item.source in {"*", "+"} else [(item.source, "")]
        )
        for source, _ in sources:
            if item.source == "+" and source == item.target:
                continue
            lines.append(f'  "{source}" -> "{item.target}" [label="{transition_label(item)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Write each registered state machine as Graphviz dot (to stdout, or a file each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="A directory to write <Model>.dot files into.")

    def handle(self, *args: Any, **options: Any) -> None:
        machines = sorted(registry.machines.values(), key=lambda machine: machine.model.__name__)
        output = options.get("output")
        for machine in machines:
            dot = machine_dot(machine)
            if output:
                directory = Path(output)
                directory.mkdir(parents=True, exist_ok=True)
                path = directory / f"{machine.model.__name__}.dot"
                path.write_text(dot)
                self.stdout.write(f"Wrote {path}")
            else:
                self.stdout.write(dot)
