"""What text Pathway accepts from outside: any language, but no invisible control characters.

Names like "Siân Ó Súilleabháin" or "李小龍" are welcome. A NUL byte, a backspace or a lone
surrogate is never typed by a person: it breaks PostgreSQL (which refuses NUL in text), CSV
exports and the SEN2 return, so it is refused at the door with a message saying where it was.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls other than tab, newline and carriage return; DEL; C1 controls; lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def forbidden_character(text: str) -> str | None:
    """A sentence about the first character a person could not have meant, or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    return (
        f"Remove the control character U+{ord(found.group()):04X}: "
        "it cannot be typed or shown, so it is not accepted."
    )


def forbidden_characters_in(data: Any) -> dict[str, list[str]]:
    """Field messages for every top-level field of a parsed JSON body holding a control
    character anywhere inside it, in a key or a value."""
    problems: dict[str, list[str]] = {}
    top_level = data.items() if isinstance(data, dict) else [("non_field_errors", data)]
    for field, value in top_level:
        # Iterative, so that a deeply nested body cannot exhaust the stack.
        pending = [field, value]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                message = forbidden_character(item)
                if message:
                    problems[forbidden_field_name(field)] = [message]
                    break
            elif isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
    return problems


def forbidden_field_name(field: object) -> str:
    """A field name safe to echo back in an error (the name itself may be what is wrong)."""
    name = str(field)
    return FORBIDDEN.sub("\N{REPLACEMENT CHARACTER}", name)
