"""`std.json` (S§2.4). Class pure."""

from __future__ import annotations

import json
from typing import Any

from ..values import from_json, to_plain
from . import Param, Registry, StdCall

registry = Registry("json")


def _parse(call: StdCall, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        failure = call.bad_argument(f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}")
        failure.detail.update({"line": error.lineno, "column": error.colno})
        raise failure from None


def _pretty(value: Any) -> str:
    return json.dumps(to_plain(value, reveal=True), ensure_ascii=False, indent=2)


@registry.function("pure", "Parse JSON text", Param("text", "str"), result_text=_pretty)
def json_parse(call: StdCall, text: str) -> Any:
    return from_json(_parse(call, text))


@registry.function(
    "pure",
    "Read a value from JSON text by a dot-separated path (digits index lists)",
    Param("text", "str"),
    Param("path", "str"),
)
def json_get(call: StdCall, text: str, path: str) -> Any:
    value = _parse(call, text)
    for step in path.split(".") if path else []:
        if isinstance(value, list) and step.isdigit():
            index = int(step)
            if index >= len(value):
                return None
            value = value[index]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return None
    return from_json(value)


@registry.function("pure", "Serialize a value as JSON text", Param("data", "any"), Param("indent", "int", 2))
def json_stringify(call: StdCall, data: Any, indent: int) -> str:
    if indent < 0:
        raise call.bad_argument("indent must be >= 0")
    if call.from_model and isinstance(data, str):  # a model sends the value as JSON text (S§2.4)
        try:
            data = json.loads(data)
        except ValueError:
            pass
    return json.dumps(to_plain(data, reveal=True), ensure_ascii=False, indent=indent or None)
