"""The path inside `#{…}` (L§1.6.3): `IDENT ( '.' WORD | '[' INT ']' | '[' IDENT ']' | '[' STRING ']' )*`.

One reading for the checker (which names a path looks up) and the VM (what it loads).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

_HEAD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEP = re.compile(
    r"\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*(-?[0-9]+)\s*\]|\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]"
    r"|\[\s*\"([^\"]*)\"\s*\]|\[\s*'([^']*)'\s*\]"
)


class Step(NamedTuple):
    kind: str  # "attr" (`.k`), "index" (`[0]`, `["k"]`) or "var" (`[i]`: the value of variable i)
    value: Any
    offset: int  # where the step's name or value starts in the path


class Path(NamedTuple):
    head: str  # the variable the path starts from (offset 0)
    steps: list[Step]


def parse_path(path: str) -> Path | None:
    """`path` (already stripped) read as a path, or None when it is not one (kept as text)."""
    head = _HEAD.match(path)
    if head is None:
        return None
    steps: list[Step] = []
    position = head.end()
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            return None
        attr, number, name, double, single = match.groups()
        if attr is not None:
            steps.append(Step("attr", attr, match.start(1)))
        elif number is not None:
            steps.append(Step("index", int(number), match.start(2)))
        elif name is not None:
            steps.append(Step("var", name, match.start(3)))
        else:
            quoted = 4 if double is not None else 5
            steps.append(Step("index", match.group(quoted), match.start(quoted)))
        position = match.end()
    return Path(head.group(0), steps)
