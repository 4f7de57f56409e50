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
        return to_json_text(value, reveal)
    if isinstance(value, StructValue):
        inner = ", ".join(f"{k}: {to_text_nested(v, reveal)}" for k, v in value.fields.items())
        return f"{value.type_name}({inner})"
    if isinstance(value, VariantValue):
        head = f"{value.enum}::{value.variant}"
        if value.is_unit:
            return head
        return f"{head}({', '.join(to_text_nested(v, reveal) for v in value.values)})"
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


def to_text_nested(value: Any, reveal: bool = False) -> str:
    """Inside a struct or variant: strings quoted, `none` spelled out, the rest as text, so the
    form reads like the constructor call (`Pt(x: "a", y: none)`, docs/runtime-decisions.md R3)."""
    if isinstance(value, str) and not isinstance(value, Secret):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "none"
    return to_text(value, reveal)


def to_plain(value: Any, reveal: bool = False) -> Any:
    """A JSON-able copy: nested structs/variants/handles become their text forms."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return to_text(value, reveal)
    if isinstance(value, list):
        return [to_plain(v, reveal) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v, reveal) for k, v in value.items()}
    return to_text(value, reveal)


def to_json_text(value: Any, reveal: bool = False) -> str:
    return json.dumps(to_plain(value, reveal), ensure_ascii=False, separators=(", ", ": "))


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
