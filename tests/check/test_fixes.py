"""The fix engine: non-overlapping fixes applied together, the rest in later rounds, text kept."""

from nexa_lang.check import fix_source
from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Safety
from nexa_lang.fixes import applicable_fix, apply_fixes
from nexa_lang.positions import Span

TEXT = 'agent 写手 { model: " gpt-4o" }\n'


def at(text: str, needle: str) -> Span:
    start = text.encode().index(needle.encode())
    return Span(start, start + len(needle.encode()))


def with_fix(span: Span, new_text: str, safety: Safety = Safety.SAFE, code: str = "E005") -> Diagnostic:
    return Diagnostic.for_code(code, span, "m", fix=Fix.replace(span, new_text, "t", safety))


def test_safe_fix_is_applied_at_byte_offsets_after_cjk():
    result = apply_fixes(TEXT, [with_fix(at(TEXT, '" gpt-4o"'), '"gpt-4o"')])
    assert result.text == 'agent 写手 { model: "gpt-4o" }\n'
    assert len(result.fixed) == 1


def test_unsafe_fix_needs_permission():
    diagnostic = with_fix(at(TEXT, "写手"), "Writer", Safety.UNSAFE)
    assert apply_fixes(TEXT, [diagnostic]).text == TEXT
    assert apply_fixes(TEXT, [diagnostic], unsafe=True).text == TEXT.replace("写手", "Writer")


def test_first_applicable_fix_is_chosen():
    diagnostic = Diagnostic.error(
        Span(0, 1),
        "m",
        fixes=[Fix.replace((0, 5), "x", "unsafe one", Safety.UNSAFE), Fix.replace((0, 5), "y", "safe one")],
    )
    assert applicable_fix(diagnostic).title == "safe one"
    assert applicable_fix(diagnostic, unsafe=True).title == "unsafe one"


def test_overlapping_fixes_wait_for_the_next_round():
    first = with_fix(at(TEXT, "model"), "models")
    overlapping = with_fix(at(TEXT, "model:"), "m:")
    result = apply_fixes(TEXT, [first, overlapping])
    assert result.fixed == [first]
    assert "models:" in result.text


def test_identical_fixes_are_applied_once():
    span = at(TEXT, "写手")
    result = apply_fixes(TEXT, [with_fix(span, "W", code="M001"), with_fix(span, "W", code="M001")])
    assert result.text == TEXT.replace("写手", "W") and len(result.fixed) == 2


def test_edits_that_split_a_character_or_leave_the_text_are_refused():
    inside = Diagnostic.error(Span(7, 8), "m", fix=Fix("t", (Edit(7, 8, ""),)))
    beyond = Diagnostic.error(Span(0, 0), "m", fix=Fix("t", (Edit(0, 999, ""),)))
    assert apply_fixes(TEXT, [inside, beyond]).text == TEXT


def test_two_insertions_at_one_place_are_not_both_applied():
    a = Diagnostic.error(Span(0, 0), "m", fix=Fix.insert(0, "a", "t"))
    b = Diagnostic.error(Span(0, 0), "m", fix=Fix.insert(0, "b", "t"))
    assert apply_fixes("x", [a, b]).text == "ax"


def test_fix_source_rechecks_until_clean():
    outcome = fix_source('agent A { prompt: "p", model: " gpt-4o", fallback: " gpt-4o-mini" }\n', "a.nx")
    assert outcome.text == 'agent A { prompt: "p", model: "gpt-4o", fallback: "gpt-4o-mini" }\n'
    assert [d.code for d in outcome.fixed] == ["E005", "E005"]
    assert outcome.remaining == []


def test_fix_source_leaves_unfixable_text_alone():
    text = "flow main { x = = 1 }\n"
    outcome = fix_source(text, "a.nx")
    assert outcome.text == text and [d.code for d in outcome.remaining] == ["E008"]
