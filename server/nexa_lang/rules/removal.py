"""Where "remove" fixes cut (E011, E013, W001, W009): whole lines when the removed text stands on
lines of its own, so a fix never leaves a blank indented line or a stray `;` behind. Not a rule.
"""

from __future__ import annotations

from nexa_lang.model import SourceFile
from nexa_lang.positions import Span


def removal_span(file: SourceFile, span: Span) -> Span:
    """`span` plus a trailing `;` or `,`, widened to whole lines when nothing else shares them."""
    source = file.source
    end = span.end
    rest = _skip_blanks(source, end)
    if rest < len(source) and source[rest : rest + 1] in (b";", b","):
        end = rest + 1
    line_start = source.rfind(b"\n", 0, span.start) + 1
    line_end = source.find(b"\n", end)
    line_end = len(source) if line_end < 0 else line_end + 1
    before = source[line_start : span.start]
    after = source[end:line_end]
    if before.strip() == b"" and _is_blank_or_comment(after):
        return Span(line_start, line_end)
    return Span(span.start, end)


def _skip_blanks(source: bytes, offset: int) -> int:
    while offset < len(source) and source[offset : offset + 1] in (b" ", b"\t"):
        offset += 1
    return offset


def _is_blank_or_comment(text: bytes) -> bool:
    stripped = text.strip()
    return stripped == b"" or stripped.startswith(b"//")
