"""E009 invalid-regex (diagnostics.md §4, L§7.6.2, S§2.8)."""

FLOW = 'flow main {{\n    note = "call me on 2024-06-01"\n    {line}\n}}\n'


def flow_with(line: str) -> str:
    return FLOW.format(line=line)


def test_e009_brace_that_is_not_a_quantifier_in_fast_match(found):
    text = flow_with(
        'semantic_if "mentions a date" fast_match r"\\d{4}-\\d{2-\\d{2}" against note { print("dated") }'
    )
    assert found(text, "E009") == [
        (
            "E009",
            3,
            46,
            "invalid regular expression: '{' does not start a quantifier {n}, {n,} or {n,m} at position 8",
        )
    ]


def test_e009_not_reported_for_a_valid_fast_match(found):
    text = flow_with(
        'semantic_if "mentions a date" fast_match r"\\d{4}-\\d{2}-\\d{2}" against note { print("dated") }'
    )
    assert found(text, "E009") == []


def test_e009_lookbehind_is_outside_the_fast_match_subset(found):
    text = flow_with('semantic_if "x" fast_match r"(?<=a)b" against note { print(1) }')
    assert found(text, "E009") == [("E009", 3, 32, "'(?<=' is not supported in fast_match patterns")]


def test_e009_back_reference_is_outside_the_fast_match_subset(found):
    text = flow_with('semantic_if "x" fast_match r"(a)\\1" against note { print(1) }')
    assert [m for *_, m in found(text, "E009")] == ["'\\1' is not supported in fast_match patterns"]


def test_e009_std_regex_pattern_that_python_rejects(found):
    text = flow_with('r = std.regex.regex_match("(ab", note)')
    assert found(text, "E009") == [
        ("E009", 3, 31, "invalid regular expression: missing ), unterminated subpattern at position 0")
    ]


def test_e009_std_regex_accepts_what_python_accepts(found):
    assert found(flow_with('r = std.regex.regex_replace("(?<=a)b", "c", note)'), "E009") == []
