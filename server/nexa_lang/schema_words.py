"""The words of argument validation against a tool's JSON schema (S§5.3–5.4, diagnostics.md E302).

E302 reads `invalid arguments for '{tool}': {problems}` with problems like `missing 'path'` and
`'seconds' must be a number, found a string`. The checker writes it for literals it can see (static
E302) and the VM for the values of a run (`@tool fn`s, declared and `wasm:` tools, std functions):
both word their problems with this module, so that the two read alike, letter for letter.
"""

from __future__ import annotations

from collections.abc import Sequence

# The JSON Schema `type` words (S§5.3).
JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")

# A signature type of S§1–2 as the JSON-schema word its argument is validated against.
_SIGNATURE_WORDS = {
    "str": "string",
    "int": "integer",
    "number": "number",
    "float": "number",
    "bool": "boolean",
    "list": "array",
    "map": "object",
    "dict": "object",
    "none": "null",
}


def schema_words(type_text: str) -> str:
    """JSON-schema type words of a signature type (`int | str` → `integer | string`); "" = any."""
    words = []
    for option in type_text.replace("?", "").split("|"):
        base = option.strip().split("[")[0]
        word = _SIGNATURE_WORDS.get(base)
        if word is None:
            return ""  # any, handles, fn, Template…: not validated
        words.append(word)
    if type_text.endswith("?"):
        words.append("null")
    return " | ".join(words)


def value_kind(value: object) -> str | None:
    """The JSON type of a plain Python value (a `str` subclass such as a Secret is a string, S§5.4);
    None for a value JSON has no type for."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: a bool is an int to Python, never to JSON
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None


def kind_fits(found: str, accepted: Sequence[str]) -> bool:
    """A JSON type is accepted by a list of JSON types; an integer fits `number` (the int→float
    conversion of S§5.4)."""
    return found in accepted or (found == "integer" and "number" in accepted)


def with_article(word: str) -> str:
    """A type word as a problem names it: `a string`, `an integer`, `null`, `a Point`."""
    if word == "null":
        return "null"
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def either(phrases: Sequence[str]) -> str:
    """`a string`, `a string or null`, `an integer, a string or null` (each phrase once)."""
    unique = list(dict.fromkeys(phrases))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]


# ------------------------------------------------------------------------------------ problems


def missing(name: str) -> str:
    return f"missing '{name}'"


def too_many(count: int, given: int) -> str:
    return f"takes {count} argument{'' if count == 1 else 's'}, got {given}"


def unknown_argument(name: str) -> str:
    return f"unknown argument '{name}'"


def given_twice(name: str) -> str:
    return f"'{name}' given twice"


def must_be(name: str, expected: str, found: str) -> str:
    """`'seconds' must be a number, found a string` (`expected` and `found` already in words)."""
    return f"'{name}' must be {expected}, found {found}"


def invalid_arguments(tool: str, problems: str) -> str:
    """The E302 message; `problems` already joined (the VM joins with `; `)."""
    return f"invalid arguments for '{tool}': {problems}"
