"""E009 checks a `fast_match` pattern as written: the pattern is data (L§1.6.5, D04), so a `#{…}` in
it is pattern text, not an interpolation. A std.regex pattern is evaluated: with a `#{…}` its text
is only known at run time, so it is not checked."""

import pytest

FLOW = 'flow main {{\n    note = "call me"\n    {line}\n}}\n'
BRACE = (
    "invalid regular expression: '{{' does not start a quantifier {{n}}, {{n,}} or {{n,m}} at position {pos}"
)


def flow_with(line: str) -> str:
    return FLOW.format(line=line)


@pytest.mark.parametrize(
    ("pattern", "position"),
    [
        ("#{note", 1),  # an unclosed `#{` is text in any string
        ("(#{note}", 2),
        # `{note}` after `#` is no quantifier: the subset requires `\{` for a literal brace
        ("#{note}", 1),
        ("#{ note }", 1),
        ("refund|#{note.kind}", 8),
    ],
)
def test_e009_fast_match_with_an_interpolation_shape_is_checked_as_written(found, pattern, position):
    text = flow_with(f'semantic_if "x" fast_match "{pattern}" against note {{ print(1) }}')
    assert found(text, "E009") == [("E009", 3, 32, BRACE.format(pos=position))]


def test_e009_fast_match_with_a_colon_is_checked_as_written(found):
    text = flow_with('semantic_if "x" fast_match: "#{note}" against note { print(1) }')
    assert found(text, "E009") == [("E009", 3, 33, BRACE.format(pos=1))]


@pytest.mark.parametrize("pattern", ["a#{2}", "refund|money back", "[#{}]", "\\\\#\\\\{note\\\\}"])
def test_e009_valid_fast_match_patterns_near_the_shape_stay_quiet(found, pattern):
    # `#{2}` is no path (so no interpolation) and a valid quantifier; a brace in a class or escaped is text.
    text = flow_with(f'semantic_if "x" fast_match "{pattern}" against note {{ print(1) }}')
    assert found(text, "E009") == []


def test_e009_interpolated_std_regex_pattern_is_not_checked(found):
    assert found(flow_with('r = std.regex.regex_match("(#{note}", note)'), "E009") == []


def test_e009_std_regex_pattern_without_interpolation_is_still_checked(found):
    assert [m for *_, m in found(flow_with('r = std.regex.regex_match("(#note", note)'), "E009")] == [
        "invalid regular expression: missing ), unterminated subpattern at position 0"
    ]
