"""Audit 6 (editor features on every declaration and statement form of nexa-language.md): the
answers that were missing or too narrow, each with a near miss that must stay as it was."""

from __future__ import annotations

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.navigation import document_highlights, references


def analysis_of(text: str) -> Analysis:
    return analyze(Workspace(), SourceFile.from_text(text))


def at(text: str, needle: str, nth: int = 0) -> int:
    data, wanted = text.encode(), needle.encode()
    offset = -1
    for _ in range(nth + 1):
        offset = data.index(wanted, offset + 1)
    return offset + 1


def lines_of(text: str, spans: list[int]) -> list[int]:
    data = text.encode()
    return sorted(data[:start].count(b"\n") + 1 for start in spans)


TRAIT = """trait Named {
    fn label(prefix: str): String
}
struct Vec2 { dx: Int, dy: Int }
struct Pt { x: Int }
impl Named for Vec2 {
    fn label(prefix: str) { return prefix + "vector" }
}
impl Named for Pt {
    fn label(prefix: str) { return prefix + "point" }
}
trait Sized2 { fn label(): String }
flow main() {
    v = Vec2(dx: 1, dy: 2)
    p = Pt(x: 1)
    print(v.label("a"), p.label("b"))
}
"""


def test_references_of_a_trait_method_include_its_impls_and_their_calls():
    """L§3.9: an impl supplies the trait's methods; the trait's `fn label` and every
    `impl Named for T { fn label … }` are one method (rename already refuses them together)."""
    analysis = analysis_of(TRAIT)
    found = references(analysis, at(TRAIT, "label"))
    assert lines_of(TRAIT, [loc.span.start for loc in found]) == [2, 7, 10, 16, 16]
    highlights = document_highlights(analysis, at(TRAIT, "label"))
    assert lines_of(TRAIT, [h.span.start for h in highlights]) == [2, 7, 10, 16, 16]


def test_references_of_an_impl_method_include_the_trait_method():
    analysis = analysis_of(TRAIT)
    found = references(analysis, at(TRAIT, "label", 1))
    assert lines_of(TRAIT, [loc.span.start for loc in found]) == [2, 7, 10, 16, 16]


def test_a_same_named_method_of_another_trait_is_not_a_reference():
    analysis = analysis_of(TRAIT)
    found = references(analysis, at(TRAIT, "label", 3))  # trait Sized2's label
    assert lines_of(TRAIT, [loc.span.start for loc in found]) == [12]
