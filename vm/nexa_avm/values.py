"""Run-time values (L§7.1): kinds, text form, truthiness, equality.

Plain Python objects stand for the simple kinds: `None` is none, `bool`, `int`, `float`, `str`,
`list`, `dict`. Everything else is a class here. Reference kinds (agents, flows, tasks…) compare by
identity. Python's `True == 1` must never leak into Nexa: `equal` and `is_number` keep bools apart.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any


class Record(dict):  # type: ignore[type-arg]
    """A protocol-validated agent reply (L§7.1.2): ordered fields, read like a dict."""

    def __init__(self, protocol: str, fields: dict[str, Any]) -> None:
        super().__init__(fields)
        self.protocol = protocol


class Secret(str):
    """A `secret(…)` value: agents and tools get the text, printing shows `******`."""

    __slots__ = ()


class StructValue:
    __slots__ = ("type_name", "fields")

    def __init__(self, type_name: str, fields: dict[str, Any]) -> None:
        self.type_name = type_name
        self.fields = fields


class VariantValue:
    """`Enum::Variant(payload…)`; `names` are the payload's field names in declaration order."""

    __slots__ = ("enum", "variant", "names", "values")

    def __init__(self, enum: str, variant: str, names: tuple[str, ...] = (), values: tuple[Any, ...] = ()):
        self.enum = enum
        self.variant = variant
        self.names = names
        self.values = values

    @property
    def is_unit(self) -> bool:
        return not self.names and not self.values


OPTION_NONE = VariantValue("Option", "None")


def some(value: Any) -> VariantValue:
    return VariantValue("Option", "Some", ("value",), (value,))


def ok(value: Any) -> VariantValue:
    return VariantValue("Result", "Ok", ("value",), (value,))


def err(value: Any) -> VariantValue:
    return VariantValue("Result", "Err", ("error",), (value,))


def is_err(value: Any) -> bool:
    return isinstance(value, VariantValue) and value.enum == "Result" and value.variant == "Err"


def is_empty_option(value: Any) -> bool:
    return isinstance(value, VariantValue) and value.enum == "Option" and value.variant == "None"


class ImageValue:
    __slots__ = ("path", "media_type", "data_base64")

    def __init__(self, path: str, media_type: str, data_base64: str) -> None:
        self.path = path
        self.media_type = media_type
        self.data_base64 = data_base64


class Handle:
    """Base of the reference kinds printed as `<KIND #ID>`."""

    kind = "handle"
    _next_id = 0

    def __init__(self) -> None:
        Handle._next_id += 1
        self.id = Handle._next_id


class Namespace:
    """`std`, `std.text`, `runtime`, `secrets`…: an object of named members."""

    def __init__(self, name: str, members: dict[str, Any]) -> None:
        self.name = name
        self.members = members


# ----------------------------------------------------------------------------------- inspection


def is_number(value: Any) -> bool:
    return (type(value) is int) or (type(value) is float)


def kind_name(value: Any) -> str:
    """The kind as messages name it (`cannot subtract 'str' from 'int'`)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, Secret):
        return "secret"
    if isinstance(value, str):
        return "str"
    if isinstance(value, Record):
        return "record"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, StructValue):
        return value.type_name
    if isinstance(value, VariantValue):
        return value.enum
    named = getattr(value, "kind", None)
    if isinstance(named, str):
        return named
    return type(value).__name__.lower()


def truthy(value: Any) -> bool:
    """L§7.1.4."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float | str | list | dict):
        return bool(value)
    if isinstance(value, VariantValue):
        return not (is_empty_option(value) or is_err(value))
    return True


def is_empty(value: Any) -> bool:
    """Empty for `??` (L§5.7.1): none, Option::None, an empty dict."""
    return value is None or is_empty_option(value) or (isinstance(value, dict) and not value)


def equal(a: Any, b: Any) -> bool:
    """Structural equality (L§7.1.5)."""
    if a is b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return str.__eq__(a, b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, StructValue) and isinstance(b, StructValue):
        return a.type_name == b.type_name and equal(a.fields, b.fields)
    if isinstance(a, VariantValue) and isinstance(b, VariantValue):
        return (
            a.enum == b.enum
            and a.variant == b.variant
            and len(a.values) == len(b.values)
            and all(equal(x, y) for x, y in zip(a.values, b.values, strict=True))
        )
    return False


# ----------------------------------------------------------------------------------- text form


def float_text(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def to_text(value: Any, reveal: bool = False) -> str:
    """The text form (L§7.1.3). `reveal` gives secrets' real text (agent input, tool arguments)."""
    if isinstance(value, str):
        if isinstance(value, Secret) and not reveal:
            return "******"
        return str.__str__(value)
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, list | dict):
        return _container_text(value, reveal, None)
    if isinstance(value, StructValue | VariantValue):
        return _compound_text(value, reveal, None)
    from .errors import NexaError

    if isinstance(value, NexaError):
        return value.message
    if isinstance(value, ImageValue):
        return f"<image {value.path}>"
    text_of = getattr(value, "text_form", None)
    if text_of is not None:
        return str(text_of())
    if isinstance(value, Handle):
        return f"<{value.kind} #{value.id}>"
    if isinstance(value, Namespace):
        return f"<namespace {value.name}>"
    return f"<{kind_name(value)}>"


# A value can contain itself (`xs[0] = xs`). `path` holds the ids of the lists, maps, structs and
# variants being written around the current one, so that writing always ends
# (docs/runtime-decisions.md R16): the text form marks the cycle, JSON output is E100.


class _Cycle(Exception):
    """A list or map met again inside itself while written as JSON."""


def _text(value: Any, reveal: bool, path: set[int] | None) -> str:
    if isinstance(value, list | dict):
        return _container_text(value, reveal, path)
    if isinstance(value, StructValue | VariantValue):
        return _compound_text(value, reveal, path)
    return to_text(value, reveal)


def _container_text(value: list[Any] | dict[Any, Any], reveal: bool, path: set[int] | None) -> str:
    try:
        return _dumps(_plain(value, reveal, path))
    except _Cycle:  # rare: written again, marking where the value contains itself
        return _marked_text(value, reveal, path if path is not None else set())


def _marked_text(value: list[Any] | dict[Any, Any], reveal: bool, path: set[int]) -> str:
    """A list or map as `to_json_text` writes it, with `[...]`/`{...}` where it contains itself."""
    key = id(value)
    if key in path:
        return "[...]" if isinstance(value, list) else "{...}"
    path.add(key)
    try:
        if isinstance(value, list):
            return "[" + ", ".join(_marked_item(v, reveal, path) for v in value) + "]"
        items = (f"{_dumps(str(k))}: {_marked_item(v, reveal, path)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    finally:
        path.discard(key)


def _marked_item(value: Any, reveal: bool, path: set[int]) -> str:
    if isinstance(value, list | dict):
        return _marked_text(value, reveal, path)
    return _dumps(_plain(value, reveal, path))  # not a list or map: raises no _Cycle


def _compound_text(value: StructValue | VariantValue, reveal: bool, path: set[int] | None) -> str:
    if isinstance(value, StructValue):
        head = value.type_name
    else:
        head = f"{value.enum}::{value.variant}"
        if value.is_unit:
            return head
    if path is None:
        path = set()
    key = id(value)
    if key in path:
        return f"{head}(...)"
    path.add(key)
    try:
        if isinstance(value, StructValue):
            inner = ", ".join(f"{k}: {_text_nested(v, reveal, path)}" for k, v in value.fields.items())
        else:
            inner = ", ".join(_text_nested(v, reveal, path) for v in value.values)
    finally:
        path.discard(key)
    return f"{head}({inner})"


def to_text_nested(value: Any, reveal: bool = False) -> str:
    """Inside a struct or variant: strings quoted, `none` spelled out, the rest as text, so the
    form reads like the constructor call (`Pt(x: "a", y: none)`, docs/runtime-decisions.md R3)."""
    return _text_nested(value, reveal, None)


def _text_nested(value: Any, reveal: bool, path: set[int] | None) -> str:
    if isinstance(value, str) and not isinstance(value, Secret):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "none"
    return _text(value, reveal, path)


def to_plain(value: Any, reveal: bool = False) -> Any:
    """A JSON-able copy: nested structs/variants/handles become their text forms. A list or map
    that contains itself has no JSON form: E100 (R16)."""
    try:
        return _plain(value, reveal, None)
    except _Cycle:
        from .errors import runtime_error

        raise runtime_error("cannot write a value that contains itself as JSON") from None


def _plain(value: Any, reveal: bool, path: set[int] | None) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return to_text(value, reveal)
    if isinstance(value, list | dict):
        if path is None:
            path = set()
        key = id(value)
        if key in path:
            raise _Cycle
        path.add(key)
        try:
            if isinstance(value, list):
                return [_plain(v, reveal, path) for v in value]
            return {str(k): _plain(v, reveal, path) for k, v in value.items()}
        finally:
            path.discard(key)
    return _text(value, reveal, path)


def _dumps(plain: Any) -> str:
    return json.dumps(plain, ensure_ascii=False, separators=(", ", ": "))


def to_json_text(value: Any, reveal: bool = False) -> str:
    return _dumps(to_plain(value, reveal))


def from_json(data: Any) -> Any:
    """A parsed JSON value as a Nexa value (lists and dicts are already Nexa values)."""
    return data


def iterate(value: Any) -> Iterator[Any]:
    """`for each x in v`: list elements, string characters, dict/record keys (L§4.7)."""
    if isinstance(value, list):
        return iter(list(value))
    if isinstance(value, str):
        return iter(value)
    if isinstance(value, dict):
        return iter(list(value.keys()))
    from .errors import runtime_error

    raise runtime_error(f"cannot iterate over a value of kind '{kind_name(value)}'")
