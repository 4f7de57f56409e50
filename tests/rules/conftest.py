"""Fixtures for the rule tests: check a text with some codes, read positions, apply fixes.

`found(text, "E010")` returns `(code, line, column, message)` tuples with 1-based lines and columns
counted in code points, as `nexa-lsp --check` prints them (diagnostics.md §1.5).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nexa_lang.checker import check_text
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.fixes import apply_fixes
from nexa_lang.positions import LineIndex, Unit

Found = tuple[str, int, int, str]


def _found(text: str, *codes: str) -> list[Found]:
    index = LineIndex(text.encode("utf-8"))
    result = []
    for d in check_text(text, codes=codes):
        position = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
        result.append((d.code, position.line, position.column, d.message))
    return result


def _fixed(text: str, code: str, unsafe: bool = True) -> str:
    return apply_fixes(text, check_text(text, codes=[code]), unsafe=unsafe).text


@pytest.fixture
def found() -> Callable[..., list[Found]]:
    """`found(text, *codes)`: the diagnostics of `codes` as (code, line, column, message)."""
    return _found


@pytest.fixture
def diagnostics() -> Callable[..., list[Diagnostic]]:
    """`diagnostics(text, *codes)`: the Diagnostic objects themselves (fixes, severity, span)."""
    return lambda text, *codes: check_text(text, codes=codes)


@pytest.fixture
def fixed() -> Callable[..., str]:
    """`fixed(text, code, unsafe=True)`: the text after applying that code's fixes once."""
    return _fixed
