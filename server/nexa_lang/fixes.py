"""Applying the fixes of diagnostics to a source text (`--fix`, the editor's "fix all").

Edits are byte ranges of the UTF-8 source. Fixes are applied together when their edits do not
overlap; a fix that overlaps one already taken is left for the next round (the caller re-checks
and applies again, as `nexa_lang.check.fix_source` does), so no edit is ever applied to text that
another edit has moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Safety


@dataclass(frozen=True)
class AppliedFixes:
    text: str
    fixed: list[Diagnostic]  # the diagnostics whose fix was applied

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def applicable_fix(diagnostic: Diagnostic, unsafe: bool = False) -> Fix | None:
    """The first fix of `diagnostic` that may be applied (safe ones, or any with `unsafe`)."""
    for fix in diagnostic.fixes:
        if fix.safety is Safety.SAFE or unsafe:
            return fix
    return None


def apply_fixes(text: str, diagnostics: Iterable[Diagnostic], *, unsafe: bool = False) -> AppliedFixes:
    """`text` with every non-overlapping applicable fix applied."""
    source = text.encode("utf-8")
    candidates = [(d, f) for d in diagnostics if (f := applicable_fix(d, unsafe)) is not None]
    candidates.sort(key=lambda pair: (min(e.start for e in pair[1].edits), pair[0].code))
    taken: list[Edit] = []
    fixed: list[Diagnostic] = []
    seen: set[tuple[Edit, ...]] = set()
    for diagnostic, fix in candidates:
        edits = tuple(sorted(fix.edits, key=lambda e: (e.start, e.end)))
        if edits in seen:  # the same fix offered by two diagnostics (e.g. one comment's M001s)
            fixed.append(diagnostic)
            continue
        if not all(_is_valid(edit, source) for edit in edits):
            continue
        if any(_overlaps(edit, other) for edit in edits for other in taken):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(edits) for b in edits[i + 1 :]):
            continue
        seen.add(edits)
        taken.extend(edits)
        fixed.append(diagnostic)
    if not taken:
        return AppliedFixes(text, [])
    result = bytearray(source)
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        result[edit.start : edit.end] = edit.new_text.encode("utf-8")
    return AppliedFixes(result.decode("utf-8"), fixed)


def _is_valid(edit: Edit, source: bytes) -> bool:
    # Inside the text, and never splitting a multi-byte character.
    if not 0 <= edit.start <= edit.end <= len(source):
        return False
    return all(at == len(source) or source[at] & 0xC0 != 0x80 for at in (edit.start, edit.end))


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at one place: their order would be a guess
    return a.start < b.end and b.start < a.end
