"""A value that contains itself (docs/runtime-decisions.md R16): its text form marks the cycle as
Python does (`[...]`, `{...}`, `Name(...)`), and JSON output of it is a catchable E100."""

from __future__ import annotations

import pytest

from nexa_avm.errors import NexaError
from nexa_avm.values import StructValue, to_json_text, to_plain, to_text


def test_text_form_of_a_list_that_contains_itself_marks_the_cycle() -> None:
    xs: list = [1]
    xs.append(xs)
    assert to_text(xs) == "[1, [...]]"


def test_text_form_of_a_map_that_contains_itself_marks_the_cycle() -> None:
    d: dict = {"a": "x"}
    d["me"] = d
    assert to_text(d) == '{"a": "x", "me": {...}}'


def test_text_form_of_a_struct_inside_its_own_field() -> None:
    items: list = []
    box = StructValue("Box", {"items": items})
    items.append(box)
    assert to_text(box) == 'Box(items: ["Box(...)"])'


def test_a_shared_but_acyclic_value_is_written_in_full() -> None:
    shared = [1, {"k": 2}]
    assert to_text([shared, shared, {"a": shared}]) == '[[1, {"k": 2}], [1, {"k": 2}], {"a": [1, {"k": 2}]}]'


def test_json_of_a_value_that_contains_itself_is_e100() -> None:
    xs: list = [1]
    xs.append([xs])
    for write in (to_plain, to_json_text):
        with pytest.raises(NexaError) as raised:
            write(xs)
        assert (raised.value.kind, raised.value.code) == ("RuntimeError", "E100")
        assert raised.value.message == "cannot write a value that contains itself as JSON"


def test_a_program_prints_the_marker_and_catches_the_json_error(nexa) -> None:
    source = (
        "flow main {\n    xs = [1]\n    xs[0] = xs\n"
        '    try { print(str(xs)) } catch (e) { print("cyc", e.kind, e.message) }\n'
        '    try { print(template"""{{{ xs | json }}}""") } catch (e) { print(e.code, e.message) }\n'
        "    try { print(std.json.json_stringify(xs)) } catch (e) { print(e.code) }\n"
        '    print("next")\n}\n'
    )
    outcome = nexa(source)
    assert outcome.code == 0, outcome.err
    assert outcome.out == "[[...]]\nE100 cannot write a value that contains itself as JSON\nE100\nnext\n"
