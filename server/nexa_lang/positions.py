"""Conversions between byte offsets and (line, column) positions: the only place that does this.

tree-sitter and every stored range count UTF-8 bytes of the source; LSP counts UTF-16 code units
(or UTF-8 / code points when negotiated), `--check` output counts code points, DAP negotiates
whether lines and columns start at 0 or 1. A `LineIndex` answers all of these for one text.

Line ends are LF, CRLF and CR (the language accepts all three, L§1.1). tree-sitter's own row/column
points count only LF, so nothing may use them for positions: convert byte offsets here instead.
A leading byte-order mark is not part of line 0's columns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from enum import Enum
from functools import lru_cache
from itertools import accumulate
from typing import Any, NamedTuple

_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(rb"\r\n?|\n")


class Unit(str, Enum):
    """What a column counts. The values are LSP's `PositionEncodingKind` strings."""

    UTF8 = "utf-8"  # bytes
    UTF16 = "utf-16"  # UTF-16 code units (LSP's default)
    CODEPOINT = "utf-32"  # Unicode code points (`--check` output, SARIF "unicodeCodePoints")


class Span(NamedTuple):
    """A half-open range of byte offsets into the UTF-8 source."""

    start: int
    end: int

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    @classmethod
    def of(cls, value: SpanLike) -> Span:
        """A span from anything that has byte offsets: a `Span` or `(start, end)` pair, an object
        with `start_byte`/`end_byte` (a tree-sitter node), with a `span` attribute, or with integer
        `start`/`end` attributes (an AST range)."""
        if isinstance(value, Span):
            return value
        if isinstance(value, tuple):
            start, end = value
            return cls(int(start), int(end))
        if hasattr(value, "start_byte"):
            return cls(value.start_byte, value.end_byte)
        if hasattr(value, "span"):
            return cls.of(value.span)
        start, end = getattr(value, "start", None), getattr(value, "end", None)
        if isinstance(start, int) and isinstance(end, int):
            return cls(start, end)
        raise TypeError(f"not a byte range: {value!r}")


# Anything `Span.of` accepts.
SpanLike = Any


class Position(NamedTuple):
    line: int
    column: int


class LineIndex:
    """Line starts of one text, for converting positions in both directions.

    Build it once per text version (`LineIndex.of(text)` caches recent texts). Offsets are byte
    offsets of the UTF-8 encoding of the text, exactly as tree-sitter reports them.
    """

    __slots__ = ("data", "bom_length", "_starts", "_content_ends", "_line_texts", "_ascii")

    def __init__(self, source: str | bytes) -> None:
        data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
        self.data = data
        self.bom_length = len(_BOM) if data.startswith(_BOM) else 0
        if b"\r" in data:
            starts = [0]
            content_ends = []
            for match in _LINE_END.finditer(data):
                content_ends.append(match.start())
                starts.append(match.end())
            content_ends.append(len(data))
        else:  # LF only (most texts): the same offsets from the lengths of the lines, no regex
            totals = accumulate(map(len, data.split(b"\n")))
            content_ends = [total + line for line, total in enumerate(totals)]  # + the LFs before
            starts = [0, *(end + 1 for end in content_ends[:-1])]
        self._starts = starts
        self._content_ends = content_ends
        self._line_texts: dict[int, str] = {}
        self._ascii = data.isascii()

    @staticmethod
    def of(source: str | bytes) -> LineIndex:
        """The index of `source`, shared with earlier calls for the same text."""
        return _cached_index(source)

    # --- lines -------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_of(self, offset: int) -> int:
        """0-based line holding `offset` (clamped to the text)."""
        offset = min(max(offset, 0), len(self.data))
        return bisect_right(self._starts, offset) - 1

    def line_start(self, line: int) -> int:
        """Byte offset where 0-based `line` starts (after the BOM on line 0)."""
        line = self._clamp_line(line)
        return self.bom_length if line == 0 else self._starts[line]

    def line_end(self, line: int) -> int:
        """Byte offset of `line`'s terminator (or of the end of the text on the last line)."""
        return self._content_ends[self._clamp_line(line)]

    def line_bytes(self, line: int) -> bytes:
        return self.data[self.line_start(line) : self.line_end(line)]

    def line_text(self, line: int) -> str:
        """The text of 0-based `line` without its terminator (invalid UTF-8 shown as U+FFFD)."""
        line = self._clamp_line(line)
        text = self._line_texts.get(line)
        if text is None:
            text = self.line_bytes(line).decode("utf-8", "replace")
            self._line_texts[line] = text
        return text

    def _clamp_line(self, line: int) -> int:
        return min(max(line, 0), len(self._starts) - 1)

    # --- offset -> position ------------------------------------------------------------------

    def position(
        self, offset: int, unit: Unit = Unit.UTF16, *, line_base: int = 0, column_base: int = 0
    ) -> Position:
        """The (line, column) of byte `offset`, counting columns in `unit`.

        Offsets outside the text are clamped to it; an offset inside a line terminator or inside a
        multi-byte character counts as the end of the line / the start of that character.
        """
        line = self.line_of(offset)
        column = self.column(line, offset, unit)
        return Position(line + line_base, column + column_base)

    def column(self, line: int, offset: int, unit: Unit = Unit.UTF16) -> int:
        """0-based column of `offset` within 0-based `line`, clamped to the line's content."""
        start = self.line_start(line)
        end = min(max(offset, start), self.line_end(line))
        if unit is Unit.UTF8 or self._ascii:
            return end - start
        prefix = self.data[start:end].decode("utf-8", "ignore")
        if unit is Unit.CODEPOINT:
            return len(prefix)
        return _utf16_length(prefix)

    # --- position -> offset ------------------------------------------------------------------

    def offset(
        self,
        line: int,
        column: int,
        unit: Unit = Unit.UTF16,
        *,
        line_base: int = 0,
        column_base: int = 0,
    ) -> int:
        """The byte offset of (line, column), with columns counted in `unit`.

        A line past the last one means the end of the text; a column past the line's end means the
        end of the line (as LSP asks); a column inside a character or a surrogate pair means the
        start of that character.
        """
        line -= line_base
        column -= column_base
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.data)
        start = self.line_start(line)
        end = self.line_end(line)
        if column <= 0:
            return start
        if unit is Unit.UTF8:
            target = min(start + column, end)
            # Step back to the first byte of a character split by the column.
            while start < target < end and self.data[target] & 0xC0 == 0x80:
                target -= 1
            return target
        if self._ascii:
            return min(start + column, end)
        text = self.line_text(line)
        if unit is Unit.CODEPOINT:
            return start + len(text[:column].encode("utf-8", "surrogatepass"))
        units = 0
        for index, char in enumerate(text):
            width = 2 if ord(char) > 0xFFFF else 1
            if units + width > column:
                return start + len(text[:index].encode("utf-8", "surrogatepass"))
            units += width
        return end

    # --- conveniences --------------------------------------------------------------------------

    def convert_column(self, line: int, column: int, source: Unit, target: Unit) -> int:
        """A 0-based column of 0-based `line` counted in `source`, recounted in `target`."""
        return self.column(line, self.offset(line, column, source), target)

    def span_positions(
        self, span: Span, unit: Unit = Unit.UTF16, *, line_base: int = 0, column_base: int = 0
    ) -> tuple[Position, Position]:
        """Start and (exclusive) end position of `span`."""
        return (
            self.position(span.start, unit, line_base=line_base, column_base=column_base),
            self.position(span.end, unit, line_base=line_base, column_base=column_base),
        )


def tree_sitter_point(data: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter's own (row, byte column) of `offset` in `data`: rows count LF only.

    Only for `Tree.edit`, which wants the points tree-sitter itself would compute; every position
    shown to a user or a client comes from `LineIndex` instead.
    """
    offset = min(max(offset, 0), len(data))
    row = data.count(b"\n", 0, offset)
    return row, offset - (data.rfind(b"\n", 0, offset) + 1)


def _utf16_length(text: str) -> int:
    # Characters above the Basic Multilingual Plane take a surrogate pair (two code units).
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@lru_cache(maxsize=32)
def _cached_index(source: str | bytes) -> LineIndex:
    return LineIndex(source)
