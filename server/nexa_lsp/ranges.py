"""LSP positions and ranges of one text, in the negotiated encoding.

A thin adapter from `nexa_lang.positions.LineIndex` (which does all the counting) to lsprotocol types:
byte spans become `Range`s and client `Position`s become byte offsets. Nothing here counts columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from nexa_lang.positions import LineIndex, Span, SpanLike, Unit

ENCODING_UNITS = {
    types.PositionEncodingKind.Utf8: Unit.UTF8,
    types.PositionEncodingKind.Utf16: Unit.UTF16,
    types.PositionEncodingKind.Utf32: Unit.CODEPOINT,
}


def unit_of(encoding: str | types.PositionEncodingKind | None) -> Unit:
    """The column unit of a negotiated `PositionEncodingKind` (UTF-16 when none was negotiated)."""
    if encoding is None:
        return Unit.UTF16
    return ENCODING_UNITS.get(types.PositionEncodingKind(encoding), Unit.UTF16)


@dataclass(frozen=True, slots=True)
class Ranges:
    index: LineIndex
    unit: Unit

    def position(self, offset: int) -> types.Position:
        line, column = self.index.position(offset, self.unit)
        return types.Position(line=line, character=column)

    def range(self, span: SpanLike) -> types.Range:
        where = Span.of(span)
        return types.Range(start=self.position(where.start), end=self.position(where.end))

    def offset(self, position: types.Position) -> int:
        return self.index.offset(position.line, position.character, self.unit)

    def span(self, range_: types.Range) -> Span:
        return Span(self.offset(range_.start), self.offset(range_.end))

    def range_dict(self, span: SpanLike) -> dict[str, dict[str, int]]:
        """`range(span)` as plain JSON (for custom requests such as `nexa/dag`)."""
        result = self.range(span)
        return {
            "start": {"line": result.start.line, "character": result.start.character},
            "end": {"line": result.end.line, "character": result.end.character},
        }
