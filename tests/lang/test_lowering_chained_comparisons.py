"""E008 for chained comparisons: the comparisons are found from the operators' text in a tree
without errors and by a query in a tree with errors; both must find what the query finds."""

import pytest

from nexa_lang.parsing import nodes_of_type, parse
from nexa_lang.syntax_errors import _comparisons, syntax_errors

CHAINED = "comparisons cannot be chained; use 'and'"


def chain_operators(text: str) -> list[str]:
    """The text of each operator an E008 for a chain points at."""
    source = text.encode()
    found = syntax_errors(parse(source), source)
    return [source[d.span.start : d.span.end].decode() for d in found if d.message == CHAINED]


@pytest.mark.parametrize(
    "text",
    [
        "flow main {\n    x = a<b<c\n    y = a==b!=c\n    z = (a < b) < c\n}\n",
        'flow main {\n    x = f(a <= b >= c, "a < b < c") // a < b < c\n    y = p >> q |> r\n}\n',
        "flow 主 {\n    x = 中 < 文 < 字\n    if a != b {\n        print(a == b)\n    }\n}\n",
        "flow main {\n    x = a < b < c\n    y = \n}\n",  # with a syntax error
    ],
)
def test_comparisons_found_from_the_text_are_those_of_the_query(text: str):
    source = text.encode()
    root = parse(source).root_node
    assert _comparisons(root, source) == nodes_of_type(root, "comparison_expression")


def test_chain_reported_at_the_operator_that_continues_it():
    assert chain_operators("flow main {\n    x = a<b<=c\n}\n") == ["<="]


def test_chains_reported_in_text_order_when_nested():
    text = "flow main {\n    x = f(a == b == c) != (d > e > g)\n}\n"
    assert chain_operators(text) == ["==", ">"]


def test_no_chain_in_parentheses_strings_or_comments():
    text = 'flow main {\n    x = (a < b) < c\n    y = "a < b < c" // a < b < c\n}\n'
    assert chain_operators(text) == []


def test_chain_reported_in_a_file_with_syntax_errors():
    text = "flow main {\n    x = a < b < c\n    y = \n}\n"
    assert chain_operators(text) == ["<"]
