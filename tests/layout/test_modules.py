"""The layout of the product's code: no import cycle, and no module too long to read.

import-linter keeps the apps' layers pointing downward; these keep the modules inside an app
from importing each other in a circle, which is how a change to one ends up needing another.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def shipped_packages() -> tuple[str, ...]:
    """The product: the packages `pip install .` ships."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    return tuple(pattern.removesuffix("*") for pattern in patterns)


PRODUCT = shipped_packages()
LONGEST = 500

# Modules still over LONGEST lines. Each split takes its module off this list; the test fails
# while a module that has been split is still here, so the list only ever shrinks.
STILL_TOO_LONG: set[str] = set()


def import_cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another in a circle (Tarjan's strongly connected
    components), and each module that imports itself."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in imports[module]:
            if imported not in index:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in on_stack:
                lowest[module] = min(lowest[module], index[imported])
        if lowest[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in imports[module]:
                cycles.append(sorted(group))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return cycles


def product_imports() -> dict[str, set[str]]:
    """Which product modules each product module imports, migrations left out (they import
    models by design and nothing imports them). Imports inside functions count too: hiding
    one there is how a cycle goes unseen."""
    graph = grimp.build_graph(*PRODUCT, cache_dir=None)
    modules = {module for module in graph.modules if ".migrations" not in module}
    return {
        module: set(graph.find_modules_directly_imported_by(module)) & modules
        for module in modules
    }


def test_no_product_modules_import_each_other_in_a_cycle():
    cycles = import_cycles(product_imports())

    assert cycles == [], f"{len(cycles)} import cycle(s): " + "; ".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def test_the_cycle_finder_finds_a_cycle_and_a_module_importing_itself():
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}

    assert sorted(import_cycles(imports)) == [["a", "b", "c"], ["d"]]


def line_counts() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    }


def test_no_product_module_grows_past_500_lines_unless_already_listed():
    too_long = {path for path, lines in line_counts().items() if lines > LONGEST}

    assert too_long - STILL_TOO_LONG == set(), (
        f"over {LONGEST} lines: split the module rather than add it to STILL_TOO_LONG"
    )


def test_a_module_that_is_split_comes_off_the_list_of_long_modules():
    counts = line_counts()
    done = {path for path in STILL_TOO_LONG if counts.get(path, 0) <= LONGEST}

    assert done == set(), f"{LONGEST} lines or fewer now (or gone): take them off STILL_TOO_LONG"
