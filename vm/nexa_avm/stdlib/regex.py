"""`std.regex` (S§2.8). Python's `re` syntax; flags are letters i, m, s."""

from __future__ import annotations

import re
from typing import Any

from . import Param, Registry, StdCall

registry = Registry("regex")
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}


def _compile(call: StdCall, pattern: str, flags: str) -> re.Pattern[str]:
    value = 0
    for letter in flags:
        if letter not in _FLAGS:
            raise call.bad_argument(f"unknown regex flag '{letter}' (use i, m, s)")
        value |= _FLAGS[letter]
    try:
        return re.compile(pattern, value)
    except re.error as error:
        raise call.bad_argument(f"invalid pattern: {error}") from None


@registry.function(
    "pure",
    "All non-overlapping matches of a pattern in a text",
    Param("pattern", "str"),
    Param("text", "str"),
    Param("flags", "str", ""),
)
def regex_match(call: StdCall, pattern: str, text: str, flags: str) -> dict[str, Any]:
    found = _compile(call, pattern, flags).findall(text)
    matches = [list(m) if isinstance(m, tuple) else m for m in found]
    return {"matches": matches, "count": len(matches)}


@registry.function(
    "pure",
    "Replace the matches of a pattern (\\1 and \\g<name> refer to groups)",
    Param("pattern", "str"),
    Param("replacement", "str"),
    Param("text", "str"),
    Param("flags", "str", ""),
)
def regex_replace(call: StdCall, pattern: str, replacement: str, text: str, flags: str) -> str:
    try:
        return _compile(call, pattern, flags).sub(replacement, text)
    except re.error as error:
        raise call.bad_argument(f"invalid replacement: {error}") from None
