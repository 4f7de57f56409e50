"""`std.text` (S§2.5). Class pure."""

from __future__ import annotations

from typing import Any

from . import Param, Registry, StdCall

registry = Registry("text")


@registry.function(
    "pure",
    "Split text at a delimiter",
    Param("text", "str"),
    Param("delimiter", "str", "\n"),
    Param("max_splits", "int", -1),
)
def text_split(call: StdCall, text: str, delimiter: str, max_splits: int) -> dict[str, Any]:
    if not delimiter:
        raise call.bad_argument("the delimiter must not be empty")
    parts = text.split(delimiter, max_splits if max_splits > 0 else -1)
    return {"parts": parts, "count": len(parts)}


@registry.function(
    "pure",
    "Replace occurrences of a substring",
    Param("text", "str"),
    Param("old", "str"),
    Param("new", "str"),
    Param("count", "int", -1),
)
def text_replace(call: StdCall, text: str, old: str, new: str, count: int) -> str:
    if not old:
        raise call.bad_argument("'old' must not be empty")
    return text.replace(old, new, count if count > 0 else -1)


@registry.function("pure", "Upper-case text", Param("text", "str"))
def text_upper(call: StdCall, text: str) -> str:
    return text.upper()


@registry.function("pure", "Lower-case text", Param("text", "str"))
def text_lower(call: StdCall, text: str) -> str:
    return text.lower()
