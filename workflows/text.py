"""What text Pathway accepts from outside: any language, but no invisible control characters.

Names like "Siân Ó Súilleabháin" or "李小龍" are welcome. A NUL byte, a backspace or a lone
surrogate is never typed by a person: it breaks PostgreSQL (which refuses NUL in text), CSV
exports and the SEN2 return, so it is refused at the door with a message saying where it was.
So are the invisible bidirectional controls, and line breaks in a field meant for one line.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls other than tab, newline and carriage return; DEL; C1 controls; lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates: invisible, they make a name or a ledger line
# read differently on screen from what is stored ("Trojan Source"). Names written right to left
# need none of them: the Unicode algorithm orders Arabic or Hebrew text by itself.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
LINE_BREAKS = re.compile("[\r\n\u2028\u2029\x85]")


def forbidden_character(text: str) -> str | None:
    """A sentence about the first character a person could not have meant, or None."""
    found = FORBIDDEN.search(text)
    if found is not None:
        return (
            f"Remove the control character U+{ord(found.group()):04X}: "
            "it cannot be typed or shown, so it is not accepted."
        )
    found = BIDI_CONTROLS.search(text)
    if found is not None:
        return (
            f"Remove the bidirectional control character U+{ord(found.group()):04X}: "
            "it is invisible and changes the order in which the text is shown."
        )
    return None


def line_break_in(text: str) -> str | None:
    """For a single-line field (a name, a title): a sentence if the text holds a line break."""
    if LINE_BREAKS.search(text) is None:
        return None
    return "Enter this on one line: it cannot contain a line break."


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
    return BIDI_CONTROLS.sub(
        "\N{REPLACEMENT CHARACTER}", FORBIDDEN.sub("\N{REPLACEMENT CHARACTER}", name)
    )
