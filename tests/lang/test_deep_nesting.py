"""Texts nested deeper than the front-end's recursion (found by tests/fuzz/mutate.py).

A long sum, a long `>>` pipeline or hundreds of brackets are one nested expression each. Lowering
(nexa_lang.lowering) follows them recursively, so `check_file` and `SourceFile.from_text` raise
RecursionError from a few hundred levels on. The tools catch it at their edge (`nexa run`,
`nexa-lsp --check`, the server) and say where; the front-end itself should check such a text. Those
tests are expected to fail until lowering stops recursing (lowering.py is being reworked elsewhere).
"""

from __future__ import annotations

import pytest

from nexa_lang.analysis import analyze
from nexa_lang.check import check_file
from nexa_lang.completion import complete
from nexa_lang.cursor_context import parse_state_at
from nexa_lang.dag import activation_graphs
from nexa_lang.model import SourceFile, Workspace, program_of_text
from nexa_lang.nesting import deepest_offset, deepest_position
from nexa_lang.parsing import parse

LONG_SUM = "flow main {\n    x = 1" + " + 1" * 1500 + "\n    print(x)\n}\n"
LONG_PIPELINE = 'agent A { prompt: "a" }\nflow main {\n    r = "x"' + " >> A" * 1500 + "\n    print(r)\n}\n"
DEEP_BRACKETS = "flow main {\n    x = " + "[" * 1500 + "1" + "]" * 1500 + "\n    print(x)\n}\n"


def test_deepest_position_points_at_the_innermost_bracket_counting_code_points():
    text = 'flow main {\n    s = "题目" + f(((1)))\n}\n'
    assert deepest_position(text.encode()) == (2, 19)  # the third `(`


def test_deepest_offset_of_an_empty_text_is_the_start():
    assert deepest_offset(parse(b"")) == (0, 0)


@pytest.mark.parametrize(
    "text", [LONG_SUM, LONG_PIPELINE, DEEP_BRACKETS], ids=["sum", "pipeline", "brackets"]
)
@pytest.mark.xfail(strict=True, raises=RecursionError, reason="lowering.py recurses once per nesting level")
def test_a_deeply_nested_valid_program_checks_without_errors(text):
    assert [d.code for d in check_file(text, "/virtual/deep.nx").diagnostics] == []


@pytest.mark.xfail(strict=True, raises=RecursionError, reason="SourceFile.from_text lowers recursively")
def test_a_half_typed_file_with_a_long_sum_lowers_for_the_editor_features():
    file = SourceFile.from_text("flow main {\n    x = 1" + " + 1" * 1500 + "\n    print(x)\n")
    assert file.has_syntax_errors


def test_completion_after_hundreds_of_open_brackets_answers_without_repairing_the_text():
    # Found by tests/fuzz/mutate.py: completion closes the open brackets of the text before the
    # cursor and lowers that; 1500 closed brackets raised RecursionError out of `complete`.
    source = "flow main {\n    x = " + "[" * 1500 + "1\n    print(x)\n}\n"
    analysis = analyze(Workspace(), SourceFile.from_text(source))
    offset = source.encode().index(b"print") + 2
    assert {"len", "str"} <= {item.label for item in complete(analysis, offset).items}


def test_the_parse_state_inside_a_thousand_brackets_is_found_without_recursion():
    # Found by tests/fuzz/mutate.py: completion's keyword lookup walked down to the leaf before the
    # cursor recursively and raised RecursionError out of `complete` in deeply nested text.
    deep = ("flow main {\n    x = " + "(" * 1500 + "1" + ")" * 1500 + "\n}\n").encode()
    shallow = b"flow main {\n    x = ((1))\n}\n"  # after a `(` that follows a `(`, as in the deep text
    state = parse_state_at(parse(deep).root_node, deep.index(b"1"))
    assert state is not None
    assert state == parse_state_at(parse(shallow).root_node, shallow.index(b"1"))


NESTED_IFS = "flow main {\n    x = true\n" + "    if x {\n" * 200 + "    print(1)\n" + "}\n" * 200 + "}\n"


def test_the_dag_of_two_hundred_nested_ifs_is_built():
    # The checker lowers this program; the DAG builder (and so the G-rules) must follow it too.
    program = program_of_text(NESTED_IFS)
    assert len(activation_graphs(program)) >= 1
