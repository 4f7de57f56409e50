"""Files whose syntax errors leave no ERROR node (the recovery forms of grammar decisions G18–G27)
are still refused by the formatter, and a declaration whose name is not typed yet still has a
name in the outline (audit 7, recovery round 2)."""

from __future__ import annotations

import pytest

from nexa_lang.formatter import FormatError, format_source
from nexa_lang.model import SourceFile
from nexa_lang.outline import document_symbols
from nexa_lang.parsing import parse

COLON_BLOCK = "flow main {\n    x = 1\n    while x < 3: x = x + 1 }\n    print(x)\n}\n"
OWN_QUOTE_KEY = (
    'flow main {\n    cfg = {"name": "Lin"}\n    name = "k"\n    msg = "hi #{cfg["name"]}!"\n'
    "    print(msg)\n}\n"
)


@pytest.mark.parametrize("text", [COLON_BLOCK, OWN_QUOTE_KEY], ids=["colon-block", "own-quote-key"])
def test_a_recovery_form_without_an_error_node_is_refused_at_its_line(text):
    assert not parse(text.encode()).root_node.has_error  # the case this test is about
    with pytest.raises(FormatError) as refused:
        format_source(text)
    assert refused.value.line == (3 if text is COLON_BLOCK else 4)


def test_a_valid_neighbour_is_still_formatted():
    text = "flow main {\n    x = 1\n    while x < 3 {  x = x + 1 }\n    print(x)\n}\n"
    assert "while x < 3 {" in format_source(text)


def test_a_flow_without_a_name_has_a_non_empty_outline_name():
    symbols = document_symbols(SourceFile.from_text(b"flow (x: str) {\n    print(x)\n}\n", "/v/a.nx"))
    assert [s.name for s in symbols] == ["(flow without a name)"]


def test_a_named_flow_keeps_its_name():
    symbols = document_symbols(SourceFile.from_text(b"flow greet(x: str) {\n    print(x)\n}\n", "/v/a.nx"))
    assert [s.name for s in symbols] == ["greet"]
