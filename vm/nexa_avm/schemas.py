"""Types as plain data and their JSON Schema (S§5.3): protocol fields, `@tool fn` parameters,
declared tool parameters and `output_schema`.

A type is a tuple: ('any',) ('named', n) ('list', T) ('dict',) ('dict', K, V) ('optional', T)
('union', (T…)) ('enum', (words…)) ('result', T, E). The compiler makes them from type expressions;
the VM reads them. A ('named', n) that is not a builtin is a protocol, struct, enum or type alias of
the program (L§3.8), or an unknown name (any, D17).
"""

from __future__ import annotations

from typing import Any

from nexa_lang.schema_words import (
    either,
    given_twice,
    invalid_arguments,
    missing,
    must_be,
    too_many,
    unknown_argument,
    value_kind,
    with_article,
)

from .errors import NexaError

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


# A builtin type's JSON Schema `type` word (S§5.3).
_JSON_WORDS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "none": "null"}


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
        if name in _JSON_WORDS:
            return {"type": _JSON_WORDS[name]}
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


# ------------------------------------------------------------------------------ S§5.4 validation
# Problems read as the checker's static E302 (`'n' must be an integer, found a string`); the run-time
# message is `invalid arguments for '{tool}': {problems}` (diagnostics.md E302).


def found_words(value: Any) -> str:
    """A value's JSON type in words (`a string`, `an integer`, `null`); other values by kind."""
    from .values import kind_name

    return with_article(value_kind(value) or kind_name(value))


def bind_values(
    names: list[str], args: list[Any], kwargs: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Positional arguments to `names` in order, then named ones by name (S§5.4); with the problems
    of the binding: too many positional arguments, unknown names, a name given twice."""
    problems: list[str] = []
    if len(args) > len(names):
        problems.append(too_many(len(names), len(args)))
    bound = dict(zip(names, args, strict=False))
    for name, value in kwargs.items():
        if name not in names:
            problems.append(unknown_argument(name))
        elif name in bound:
            problems.append(given_twice(name))
        else:
            bound[name] = value
    return bound, problems


def invalid_arguments_error(tool: str, problems: list[str]) -> NexaError:
    """The E302 `ToolError` listing every problem of a call's arguments."""
    return NexaError(
        "ToolError",
        invalid_arguments(tool, "; ".join(problems)),
        "E302",
        detail={"tool": tool, "problems": problems},
    )


def expected_words(spec: Any, program: Any, depth: int = 0) -> list[str]:
    """What a declared type accepts, in the words of its JSON schema (S§5.3)."""
    kind = spec[0]
    if depth > 64:
        return ["anything"]
    if kind == "optional":
        return [*expected_words(spec[1], program, depth + 1), "null"]
    if kind == "union":
        return [w for option in spec[1] for w in expected_words(option, program, depth + 1)]
    if kind == "list":
        return ["an array"]
    if kind == "dict":
        return ["an object"]
    if kind == "enum":
        return ["one of " + ", ".join(f"'{w}'" for w in spec[1])]
    if kind == "result":
        return ["a Result"]
    if kind != "named":
        return ["anything"]
    name = spec[1]
    if name in _JSON_WORDS:
        return [with_article(_JSON_WORDS[name])]
    if name in program.type_aliases:
        return expected_words(program.type_aliases[name], program, depth + 1)
    if name in program.protocols:
        return ["an object"]
    return [with_article(name)]


def bind_tool_fn_arguments(
    code: Any, args: list[Any], kwargs: dict[str, Any], program: Any
) -> dict[str, Any]:
    """The locals of an `@tool fn` call, from code or from a model (S§5.4): positional arguments in
    parameter order, then named ones, validated against the schema of S§5.3. Every problem is listed
    in one E302 `ToolError`, before the body runs. A parameter without a default or an optional type
    is required; one with no type or an unknown type name accepts any value (docs/runtime-decisions.md
    R22), and a struct-typed one also accepts an object of its fields (the JSON a model sends)."""
    import ast

    from .interpreter import conforms

    params = code.params
    bound, problems = bind_values([p.name for p in params], args, kwargs)
    locals_: dict[str, Any] = {}
    for param in params:
        spec = ast.literal_eval(param.type_text) if param.type_text else ("any",)
        if param.name not in bound:
            if not param.has_default and spec[0] != "optional":
                problems.append(missing(param.name))
            locals_[param.name] = param.default if param.has_default else None
            continue
        value = locals_[param.name] = bound[param.name]
        fields = program.structs.get(spec[1]) if spec[0] == "named" else None
        if conforms(value, spec, program) or (
            isinstance(value, dict) and fields is not None and set(value) <= set(fields)
        ):
            continue
        problems.append(must_be(param.name, either(expected_words(spec, program)), found_words(value)))
    if problems:
        raise invalid_arguments_error(code.name, problems)
    return locals_
