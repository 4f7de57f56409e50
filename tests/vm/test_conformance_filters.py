"""Template filters (L§1.6.6, S§1.9): every filter of the spec, its argument defaults, and the
choices of docs/runtime-decisions.md R13–R15 where the spec is silent."""

from __future__ import annotations

from typing import Any

import pytest

from nexa_avm.errors import NexaError
from nexa_avm.templates import render_template


def render(text: str, **data: Any) -> str:
    return render_template(text, data.get)


@pytest.mark.parametrize(
    ("template", "data", "expected"),
    [
        ("{{ xs | join }}", {"xs": [3, 1, 2]}, "3,1,2"),  # default sep ","
        ('{{ xs | join(", ") }}', {"xs": [3, 1, 2]}, "3, 1, 2"),  # a quoted comma is one argument
        ("{{ xs | sort | join }}", {"xs": [3, 1, 2, 3]}, "1,2,3,3"),
        ("{{ xs | unique | join }}", {"xs": [3, 1, 2, 3]}, "3,1,2"),
        ("{{ xs | slice(1, 3) | join }}", {"xs": [0, 1, 2, 3]}, "1,2"),
        ("{{ xs | slice(2) | join }}", {"xs": [0, 1, 2, 3]}, "2,3"),  # end: to the end
        ("{{ s | slice(-3) }}", {"s": "abcdef"}, "def"),
        ("{{ n | number }}", {"n": 3.14159}, "3.14"),  # decimals=2
        ("{{ n | number(0) }}", {"n": 2}, "2"),
        ("{{ n | number(1) }}", {"n": "2.25e1"}, "22.5"),  # text that float() reads (R13)
        ("{{ n | abs }}|{{ n | ceil }}|{{ n | floor }}", {"n": -2.5}, "2.5|-2|-3"),
        ("{{ n | floor }}", {"n": 7}, "7"),
        ("{{{ h | strip_tags }}}", {"h": "<b>x</b><!-- c --> y"}, "x y"),
        ("{{{ s | url_encode }}}", {"s": "a b&c/é"}, "a%20b%26c%2F%C3%A9"),
        ("{{ s | word_count }}", {"s": "one  two\nthree"}, "3"),
        ("{{ s | word_count }}", {"s": "我爱 Nexa"}, "3"),  # a CJK character is a word (R14)
        ("{{ s | line_count }}", {"s": "l1\nl2\n"}, "2"),
        ("{{ s | line_count }}", {"s": ""}, "0"),
        ("[{{{ s | indent }}}]", {"s": "a\n\nb"}, "[  a\n\n  b]"),  # n=2, empty lines kept empty
        ("{{{ s | indent(4) }}}", {"s": "a"}, "    a"),
        ("{{ d | date }}", {"d": "2024-03-05T10:20:30"}, "2024-03-05"),  # fmt="%Y-%m-%d"
        ("{{ d | date(%d/%m/%Y) }}", {"d": "2024-03-05"}, "05/03/2024"),
        ("{{ d | date(%H:%M) }}", {"d": 86400 + 3600}, "01:00"),  # unix seconds, UTC (R14)
        ("{{ s | truncate }}", {"s": "x" * 150}, "x" * 100),  # n=100
        ("{{ s | truncate(2) }}", {"s": "abc"}, "ab"),
        ("{{ s | escape }}", {"s": "<p>"}, "&lt;p&gt;"),  # not escaped twice (R15)
        ("{{{ s | escape }}}", {"s": "<p>"}, "&lt;p&gt;"),
        ("{{ s }}", {"s": "<p>"}, "&lt;p&gt;"),
        ("{{ s | default(Untitled) }}", {"s": ""}, "Untitled"),
    ],
)
def test_filter_follows_the_spec(template: str, data: dict[str, Any], expected: str) -> None:
    assert render(template, **data) == expected


@pytest.mark.parametrize(
    ("template", "data"),
    [
        ("{{ s | number }}", {"s": "abc"}),  # not a number: unchanged (R13)
        ("{{ s | abs }}", {"s": "abc"}),
        ("{{ s | ceil }}", {"s": "abc"}),
        ("{{ s | sort }}", {"s": "cba"}),  # only lists are sorted
        ("{{ s | unique }}", {"s": "aab"}),
        ("{{ s | date }}", {"s": "next tuesday"}),  # not ISO-8601
        ("{{ s | nosuchfilter }}", {"s": "kept"}),
    ],
)
def test_filter_that_does_not_apply_leaves_the_value_unchanged(template: str, data: dict[str, Any]) -> None:
    assert render(template, **data) == render("{{ s }}", **data)


def test_sort_orders_mixed_kinds_by_kind_then_value() -> None:
    xs = ["b", 2, None, True, 1.5, "a", False, [0]]
    assert render("{{{ xs | sort }}}", xs=xs) == '[null, false, true, 1.5, 2, "a", "b", [0]]'


def test_unique_keeps_true_and_one_apart_but_one_and_one_point_zero_together() -> None:
    xs = [1, 1.0, True, "1", {"a": 1}, {"a": 1}]
    assert render("{{{ xs | unique }}}", xs=xs) == '[1, true, "1", {"a": 1}]'


def test_a_bad_whole_number_argument_is_a_runtime_error() -> None:
    with pytest.raises(NexaError) as raised:
        render("{{ s | truncate(many) }}", s="abc")
    assert (raised.value.code, raised.value.message) == (
        "E100",
        "template filter 'truncate' expects a whole number, got 'many'",
    )


def test_floor_of_a_huge_float_is_an_integer_overflow() -> None:
    with pytest.raises(NexaError, match="integer overflow"):
        render("{{ n | floor }}", n=1e20)


def test_filters_in_a_program(nexa) -> None:
    source = (
        "flow main {\n"
        "    xs = [3, 1, 2, 3]\n"
        "    n = 3.14159\n"
        '    print(template"""{{ xs | sort | join }}|{{ xs | unique | join }}|{{ n | number(2) }}|'
        '{{ n | floor }}|{{{ "<b>x</b>" | strip_tags }}}""")\n'
        "}\n"
    )
    outcome = nexa(source)
    assert (outcome.code, outcome.out) == (0, "1,2,3,3|3,1,2|3.14|3|x\n")
