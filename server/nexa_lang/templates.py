"""Template literals (L§1.6.6, S§1.9): the known filters and where a template's text names filters.

`template_filters` finds each filter name of `{{ path | f | g(arg) }}` and `{{{ … }}}` in a
`template\"\"\"…\"\"\"` literal, with its byte span in the source, for W007 and for completion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.positions import Span

TEMPLATE_FILTERS: tuple[str, ...] = (
    "upper", "uppercase", "lower", "lowercase", "capitalize", "trim", "truncate", "replace", "escape",
    "raw", "safe", "default", "length", "first", "last", "reverse", "join", "slice", "json", "number",
    "url_encode", "strip_tags", "word_count", "line_count", "indent", "date", "sort", "unique", "abs",
    "ceil", "floor",
)  # fmt: skip

# `{{{ … }}}` or `{{ … }}`, not preceded by a backslash; block tags (`#`, `/`, `>`) have no filters.
_TAG = re.compile(rb"(?<!\\)\{\{(\{?)(?P<body>.*?)\}?\}\}", re.DOTALL)
_FILTER_NAME = re.compile(rb"\s*([A-Za-z_][A-Za-z0-9_]*)")


def template_filters(literal: ast.TemplateLit, source: bytes) -> Iterator[tuple[str, Span]]:
    """(filter name, byte span of the name) for every filter the template applies."""
    start = literal.content_span.start
    content = source[start : literal.content_span.end]
    for tag in _TAG.finditer(content):
        body = tag.group("body")
        if body.lstrip()[:1] in (b"#", b"/", b">", b"!"):
            continue
        offset = tag.start("body")
        for segment_start in _segment_starts(body)[1:]:
            name = _FILTER_NAME.match(body, segment_start)
            if name is not None:
                where = start + offset + name.start(1)
                yield name.group(1).decode(), Span(where, where + len(name.group(1)))


def _segment_starts(body: bytes) -> list[int]:
    """Offsets where the `|`-separated parts of a tag start (a `|` inside quotes or parentheses
    does not separate)."""
    starts, depth, quote = [0], 0, 0
    for index, byte in enumerate(body):
        if quote:
            quote = 0 if byte == quote else quote
        elif byte in b"'\"":
            quote = byte
        elif byte == ord("("):
            depth += 1
        elif byte == ord(")"):
            depth = max(depth - 1, 0)
        elif byte == ord("|") and depth == 0:
            starts.append(index + 1)
    return starts
