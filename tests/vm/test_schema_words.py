"""The words of E302 (S§5.4, diagnostics.md E302) come from one module, `nexa_lang.schema_words`:
the checker's static E302 and the VM's run-time E302 for the same argument read the same."""

from __future__ import annotations

import pytest

from nexa_avm.bytecode import ToolSpecDecl
from nexa_avm.errors import NexaError
from nexa_avm.schemas import found_words
from nexa_avm.tools_wasm import bind_arguments
from nexa_lang.checker import check_text
from nexa_lang.schema_words import either, schema_words, with_article

ECHO = ToolSpecDecl(
    "echo",
    {"parameters": {"text": "string", "times": {"type": "integer", "default": 1}}},
    None,
    (0, 0),
)
ECHO_SOURCE = (
    'tool echo { description: "d", parameters: {"text": "string", '
    '"times": {"type": "integer", "default": 1}} }\n'
)


def run_time_message(*args: object, **kwargs: object) -> str:
    with pytest.raises(NexaError) as raised:
        bind_arguments(ECHO, list(args), dict(kwargs))
    assert raised.value.code == "E302"
    return raised.value.message


def static_messages(call: str) -> list[str]:
    return [d.message for d in check_text(ECHO_SOURCE + f"flow main {{ {call} }}\n", codes=["E302"])]


def test_a_none_for_a_declared_tool_reads_null_at_run_time_as_in_the_checker() -> None:
    # The `wasm:` tool path used to say `found a null`; the checker and `@tool fn`s say `found null`.
    expected = "invalid arguments for 'echo': 'text' must be a string, found null"
    assert static_messages("echo(none)") == [expected]
    assert run_time_message(None) == expected


def test_a_string_for_an_integer_reads_the_same_in_the_checker_and_at_run_time() -> None:
    expected = "invalid arguments for 'echo': 'times' must be an integer, found a string"
    assert static_messages('echo("a", times: "2")') == [expected]
    assert run_time_message("a", times="2") == expected


def test_an_integral_float_still_fits_an_integer_and_a_bool_does_not() -> None:
    assert bind_arguments(ECHO, ["a"], {"times": 5.0}) == {"text": "a", "times": 5}
    assert run_time_message("a", times=True) == (
        "invalid arguments for 'echo': 'times' must be an integer, found a boolean"
    )


def test_binding_problems_are_listed_in_order_with_semicolons() -> None:
    assert run_time_message(1, 2, 3, zz=1, text="x") == (
        "invalid arguments for 'echo': takes 2 arguments, got 3; unknown argument 'zz'; "
        "'text' given twice; 'text' must be a string, found an integer"
    )


@pytest.mark.parametrize(
    ("word", "phrase"),
    [("string", "a string"), ("integer", "an integer"), ("null", "null"), ("Point", "a Point")],
)
def test_with_article(word: str, phrase: str) -> None:
    assert with_article(word) == phrase


def test_either_lists_each_phrase_once() -> None:
    assert either(["a string"]) == "a string"
    assert either(["an integer", "a string", "null", "null"]) == "an integer, a string or null"


def test_found_words_names_json_values_by_json_type_and_others_by_kind() -> None:
    assert [found_words(v) for v in (None, True, 2, 2.5, "s", [], {})] == [
        "null",
        "a boolean",
        "an integer",
        "a number",
        "a string",
        "an array",
        "an object",
    ]


def test_schema_words_of_signature_types() -> None:
    assert schema_words("int | str") == "integer | string"
    assert schema_words("float?") == "number | null"
    assert schema_words("list[str]") == "array"
    assert schema_words("any") == ""
