"""The workflow engine. `workflows.transition(obj, name, by=..., ...)` is its front door.

The name is resolved lazily because this package is imported while Django loads its apps, before
the models that the engine uses can be imported.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "transition":
        from workflows.services import transition

        return transition
    raise AttributeError(f"module 'workflows' has no attribute {name!r}")
