"""E008 syntax-error against the real grammar: position, zero-width MISSING, what was expected."""

from pathlib import Path

import pytest

from nexa_lang.check import check_source, parse_file
from nexa_lang.positions import LineIndex, Unit
from nexa_lang.syntax_errors import MAX_ERRORS, describe_expected, syntax_errors


def errors(text: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of each E008, 1-based, columns in code points."""
    index = LineIndex(text)
    found = []
    for d in check_source(text, "t.nx"):
        if d.code == "E008":
            line, column = index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1)
            found.append((line, column, d.message))
    return found


def test_missing_closing_brace_names_the_opening_line():
    assert errors('agent Scout {\n    prompt: "Find"\n') == [
        (2, 19, "expected '}' to close the agent body opened at line 1")
    ]


def test_spec_example_reports_both_errors():
    text = (
        'agent Scout {\n    prompt: "Find sources"\n    model = \n}\n'
        'flow main {\n    x = Scout.run("rivers"\n}\n'
    )
    assert errors(text) == [
        (3, 12, "expected an expression"),
        (6, 27, "expected ')' to close the argument list opened at line 6"),
    ]


def test_missing_token_has_a_zero_width_range_after_the_previous_token():
    [diagnostic] = [d for d in check_source("flow main {\n    print(1\n}\n") if d.code == "E008"]
    assert diagnostic.span.start == diagnostic.span.end == len(b"flow main {\n    print(1")


def test_dangling_dag_operator_expects_an_expression():
    assert errors("flow main {\n    x = A >> \n}\n") == [
        (3, 1, "unexpected '}'; expected an expression after '>>' in flow 'main'")
    ]


def test_unterminated_string():
    assert errors('flow main {\n    x = "abc\n    y = 2\n}\n') == [(2, 13, "unterminated string literal")]


def test_unterminated_string_at_end_of_file():
    assert errors('flow main { x = "abc') == [(1, 21, "unterminated string literal")]


def test_unterminated_block_comment():
    assert errors("flow main {\n    x = 1 /* abc\n}\n") == [(2, 11, "unterminated comment in flow 'main'")]


def test_chained_comparison():
    assert errors("flow main {\n    x = a < b < c\n}\n") == [
        (2, 15, "comparisons cannot be chained; use 'and'")
    ]


def test_question_mark_must_end_the_expression():
    assert errors("flow main {\n    x = a? + 1\n}\n") == [
        (2, 12, "'?' must end the expression in flow 'main'")
    ]


def test_semantic_match_was_renamed():
    text = 'flow main {\n    semantic_match x against "weather" {\n        print(1)\n    }\n}\n'
    assert errors(text)[0] == (
        2,
        5,
        "unexpected identifier 'semantic_match'; it was renamed to 'semantic_if' in flow 'main'",
    )


def test_unexpected_token_lists_the_expected_alternatives():
    assert errors("flow main {\n    x = = 1\n}\n") == [
        (2, 9, "unexpected '='; expected an expression in flow 'main'")
    ]


def test_missing_parameter_type():
    assert errors("flow f(a: ) { }\n") == [(1, 11, "unexpected ')'; expected a type in flow 'f'")]


def test_columns_count_code_points_after_cjk_text():
    assert errors('flow main {\n    x = "写一首诗🙂" + \n}\n') == [
        (3, 1, "unexpected '}'; expected an expression after '+' in flow 'main'")
    ]
    assert errors('flow main { x = "写一首诗🙂" = 1 }\n')[0][:2] == (1, 25)


def test_unclosed_list_at_end_of_file():
    # tree-sitter recovers with a MISSING ']' or an ERROR up to the end of the file, depending on the
    # grammar's tables; either way the message names the bracket and where it was opened.
    [(line, column, message)] = errors("x = [1, 2")
    assert (line, column) == (1, 10)
    assert "expected ']' to close the " in message and message.endswith(" opened at line 1")


def test_end_of_file_inside_a_flow_names_the_unclosed_brace():
    assert errors("flow main {\n    x = 1 +\n") == [
        (
            2,
            12,
            "unexpected end of file; expected an expression;"
            " '}' to close the '{' opened at line 1 is also missing",
        )
    ]


def test_stray_closing_brace():
    assert errors("flow main { x = 1 } }\n") == [(1, 21, "unexpected '}'")]


def test_top_level_garbage_expects_a_statement_or_declaration():
    assert errors("}\n") == [(1, 1, "unexpected '}'; expected a statement or a declaration")]


def test_error_node_is_related_as_skipped_text():
    text = "flow main {\n    x = = 1\n}\n"
    [diagnostic] = check_source(text)
    assert [(r.message, text.encode()[r.span.start : r.span.end]) for r in diagnostic.related] == [
        ("the parser skipped this text", b"=")
    ]


def test_many_errors_in_one_file_are_each_reported():
    text = "".join(f"flow f{n} {{\n    x = = {n}\n}}\n" for n in range(5))
    assert [line for line, _, _ in errors(text)] == [2, 5, 8, 11, 14]


def test_more_than_the_limit_ends_with_a_last_diagnostic():
    text = "".join(f"flow f{n} {{ x = = {n} }}\n" for n in range(MAX_ERRORS + 20))
    found = errors(text)
    assert len(found) == MAX_ERRORS + 1
    assert found[-1][2] == "too many syntax errors; later ones are not shown"


def test_deeply_nested_brackets_do_not_crash():
    parsed = parse_file("x = " + "[" * 10_000)
    [diagnostic] = syntax_errors(parsed.tree, parsed.source)
    assert diagnostic.message == "unexpected end of file; expected an expression, ']' or 'fallback'"


def test_describe_expected_is_none_for_long_lists():
    parsed = parse_file("x = 1\n")
    assert describe_expected(parsed.tree.language, 0) is None


def test_e008_has_no_fix_and_is_an_error():
    [diagnostic] = check_source("flow main { x = = 1 }\n")
    assert (diagnostic.name, diagnostic.severity.value, diagnostic.fixes) == ("syntax-error", "error", ())


def test_the_corpus_has_no_syntax_error(corpus_files: list[Path]):
    for path in corpus_files:
        text = path.read_text(encoding="utf-8")
        assert [d for d in check_source(text, str(path)) if d.code == "E008"] == [], path


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_right_with_every_line_ending(newline: str):
    text = newline.join(["flow main {", "    x = = 1", "}", ""])
    assert errors(text) == [(2, 9, "unexpected '='; expected an expression in flow 'main'")]


def test_an_error_at_the_end_of_a_very_long_expression_names_its_flow_at_once():
    # Found by tests/fuzz/mutate.py: the enclosing construct was found by climbing `parent`, which
    # tree-sitter answers by descending from the root, so 20,000 nested `a +` took 8 s.
    import time

    from nexa_lang.parsing import parse

    source = ("flow main {\n    x = " + "a + " * 20000 + "\n}\n").encode()
    tree = parse(source)
    started = time.perf_counter()
    found = [(d.span.start, d.message) for d in syntax_errors(tree, source)]
    assert time.perf_counter() - started < 2.0
    assert found == [(len(source) - 2, "unexpected '}'; expected an expression after '+' in flow 'main'")]
