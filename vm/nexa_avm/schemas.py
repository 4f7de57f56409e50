"""Types as plain data and their JSON Schema (S§5.3): protocol fields, `@tool fn` parameters,
declared tool parameters and `output_schema`.

A type is a tuple: ('any',) ('named', n) ('list', T) ('dict',) ('optional', T) ('union', (T…))
('enum', (words…)). The compiler makes them from type expressions; the VM reads them.
"""

from __future__ import annotations

from typing import Any

_SIMPLE = {
    "str": "str",
    "string": "str",
    "String": "str",
    "int": "int",
    "integer": "int",
    "Int": "int",
    "float": "float",
    "number": "float",
    "Float": "float",
    "bool": "bool",
    "boolean": "bool",
    "Bool": "bool",
    "unit": "none",
    "any": "any",
    "Any": "any",
}


def named_type_spec(name: str) -> Any:
    simple = _SIMPLE.get(name)
    if simple == "any":
        return ("any",)
    if simple is not None:
        return ("named", simple)
    if name in ("list", "array", "List"):
        return ("list", ("any",))
    if name in ("dict", "object", "Dict", "Map", "map"):
        return ("dict",)
    return ("named", name)


def type_string_spec(text: str) -> Any:
    """A quoted protocol field type (L§3.4). Only the table's spellings have a meaning; any other
    text, `"string?"` included, is `str` (the checker warns, W011)."""
    text = text.strip()
    lowered = text.lower()
    if lowered.startswith(("list[", "array[")) and text.endswith("]"):
        return ("list", type_string_spec(text[text.index("[") + 1 : -1]))
    if "|" in text:
        return ("enum", tuple(w.strip() for w in text.split("|") if w.strip()))
    simple = _SIMPLE.get(lowered) or _SIMPLE.get(text)
    if simple == "any":
        return ("any",)
    if simple is not None:
        return ("named", simple)
    if lowered in ("list", "array"):
        return ("list", ("any",))
    if lowered in ("dict", "object"):
        return ("dict",)
    return ("named", "str")


def json_schema_of(spec: Any, protocols: dict[str, list[tuple[str, Any]]], depth: int = 0) -> dict[str, Any]:
    kind = spec[0]
    if kind == "optional":
        return json_schema_of(spec[1], protocols, depth)
    if kind == "list":
        return {"type": "array", "items": json_schema_of(spec[1], protocols, depth)}
    if kind == "dict":
        return {"type": "object"}
    if kind == "enum":
        return {"type": "string", "enum": list(spec[1])}
    if kind == "union":
        return {"anyOf": [json_schema_of(s, protocols, depth) for s in spec[1]]}
    if kind == "named":
        name = spec[1]
        simple = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "none": "null"}
        if name in simple:
            return {"type": simple[name]}
        if name in protocols and depth < 8:
            return protocol_schema(protocols[name], protocols, depth + 1)
        return {"type": "string"}
    return {}


def protocol_schema(
    fields: list[tuple[str, Any]], protocols: dict[str, list[tuple[str, Any]]], depth: int = 0
) -> dict[str, Any]:
    properties = {name: json_schema_of(spec, protocols, depth) for name, spec in fields}
    required = [name for name, spec in fields if spec[0] != "optional"]
    return {"type": "object", "properties": properties, "required": required}
