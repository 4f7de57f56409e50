"""E008 messages: every special case of diagnostics.md E008, an unterminated `/*` (grammar decision
G15), and "expected …" lists that name only what a user can type (no hidden grammar tokens)."""

import re
from pathlib import Path

import pytest

from nexa_lang.check import check_source
from nexa_lang.parsing import nexa_language, parse
from nexa_lang.positions import LineIndex, Unit
from nexa_lang.syntax_errors import describe_expected, syntax_errors


def diagnostics(text: str) -> list[tuple[str, str, str, str]]:
    """(code, start, end, message) of every diagnostic, positions as `line:column` (1-based)."""
    index = LineIndex(text)

    def at(offset: int) -> str:
        line, column = index.position(offset, Unit.CODEPOINT, line_base=1, column_base=1)
        return f"{line}:{column}"

    return [(d.code, at(d.span.start), at(d.span.end), d.message) for d in check_source(text, "t.nx")]


def e008(text: str) -> list[tuple[str, str, str]]:
    return [(start, end, message) for code, start, end, message in diagnostics(text) if code == "E008"]


# --- unterminated block comment ----------------------------------------------------------------


def test_unterminated_comment_at_top_level_is_one_error_up_to_the_end_of_the_file():
    # The words after `/*` are comment text: no E001 for `comment`, `here` or `more`.
    text = "flow main { print(1) }\n/* open comment here\nmore text\n"
    assert diagnostics(text) == [("E008", "2:1", "4:1", "unterminated comment")]


def test_unterminated_comment_without_a_final_newline():
    assert diagnostics("flow main { print(1) }\n/* open") == [("E008", "2:1", "2:8", "unterminated comment")]


def test_unterminated_comment_names_the_declaration_it_leaves_open():
    # The comment swallows the flow's `}`, so the flow is named from the tokens before it.
    assert e008("flow main {\n    x = 1 /* abc\n}\n") == [
        ("2:11", "4:1", "unterminated comment in flow 'main'")
    ]
    assert e008('agent A {\n    prompt: "a" /* x\n') == [("2:17", "3:1", "unterminated comment in agent 'A'")]
    assert e008("flow main { print(1) }\nflow g(a) {\n    y = a\n/* x") == [
        ("4:1", "4:5", "unterminated comment in flow 'g'")
    ]


def test_unterminated_comment_inside_brackets_is_the_only_error():
    assert e008("flow main {\n    x = [1, 2 /* x\n") == [
        ("2:15", "3:1", "unterminated comment in flow 'main'")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "flow main { print(1) }\n/* closed\ncomment */\n",
        "flow main { print(1) /**/ }\n/***/\n",
        "flow main { print(1) } /* a * b / c **/\n",
        "flow main { print(1) } // a /* in a line comment opens nothing\n",
        'flow main { print("/* in a string") }\n',
        'flow main { print(r"/* in a raw string") }\n',
        'flow main { print("""/* in a triple-quoted string""") }\n',
        "flow main { print(4 / 2) }\n",
    ],
)
def test_closed_comments_and_slash_star_in_strings_are_no_error(text: str):
    assert diagnostics(text) == []


# --- the other special cases of diagnostics.md E008 ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('flow main {\n    x = "abc\n    y = 2\n}\n', "2:13"),
        ("flow main {\n    x = 'abc\n    y = 2\n}\n", "2:13"),
        ('flow main { x = "abc', "1:21"),
        ("flow main { x = 'abc", "1:21"),
        ('flow main {\n    x = "a #{b\n}\n', "2:15"),
        ('flow main {\n    x = """abc\n}\n', "4:1"),
        ('flow main {\n    x = template"""abc #{y}\n}\n', "4:1"),
    ],
)
def test_unterminated_string_literal(text: str, start: str):
    assert e008(text) == [(start, start, "unterminated string literal")]


def test_unterminated_raw_string_literal():
    # `r"…` without its quote reads as the name `r` and a one-line string (E001 reports the `r`).
    assert e008('flow main {\n    x = r"abc\n}\n') == [("2:14", "2:14", "unterminated string literal")]


def test_closed_strings_are_no_error():
    text = 'flow main {\n    print("abc", \'d\', """e\nf""", r"g", template"""h""")\n}\n'
    assert diagnostics(text) == []


def test_chained_comparison():
    assert e008("flow main {\n    a = 1\n    print(a < 2 < 3)\n}\n") == [
        ("3:17", "3:18", "comparisons cannot be chained; use 'and'")
    ]


def test_question_mark_must_end_the_expression():
    assert e008("flow main {\n    x = a? + 1\n}\n") == [
        ("2:12", "2:13", "'?' must end the expression in flow 'main'")
    ]


def test_semantic_match_was_renamed():
    text = 'flow main {\n    semantic_match x against "weather" {\n        print(1)\n    }\n}\n'
    assert e008(text)[0] == (
        "2:5",
        "2:19",
        "unexpected identifier 'semantic_match'; it was renamed to 'semantic_if' in flow 'main'",
    )


# --- "expected …" lists ------------------------------------------------------------------------


def test_expected_list_leaves_out_the_scanner_tokens():
    text = '@limit(5)\nagent A2 { prompt: "x" }\nflow main { print(A2.run(1)) }\n'
    assert e008(text) == [
        ("1:8", "1:9", "unexpected number '5'; expected an identifier or ')' in agent 'A2'")
    ]


def test_expected_list_inside_a_string_names_its_parts_in_words():
    # A cut inside a multi-byte character leaves an invalid byte in the string.
    source = 'flow main {\n    print("ab\xe2\x95\n}\n'.encode("latin-1")
    [diagnostic] = syntax_errors(parse(source), source)
    assert diagnostic.message == (
        "unexpected '}'; expected '\"', an escape sequence, an interpolation or string text in flow 'main'"
    )


def test_expected_list_near_miss_is_unchanged():
    assert e008("flow main {\n    x = = 1\n}\n") == [
        ("2:9", "2:10", "unexpected '='; expected an expression in flow 'main'")
    ]


QUOTED = re.compile(r"'(.+)'")


def test_no_parse_state_lists_an_internal_token():
    # Every quoted alternative is a token the user types: punctuation, a keyword or a literal word.
    language = nexa_language()
    for state in range(language.parse_state_count):
        for word in describe_expected(language, state) or []:
            match = QUOTED.fullmatch(word)
            if match is not None:
                assert language.id_for_node_kind(match.group(1), False) or match.group(1) in (
                    "true",
                    "false",
                ), (
                    state,
                    word,
                )
            else:
                assert not word.startswith("'") and "_" not in word, (state, word)


def test_no_message_on_truncated_corpus_files_names_a_hidden_token(corpus_files: list[Path]):
    cuts = 12
    checked = 0
    for path in corpus_files:
        source = path.read_bytes()
        for k in range(1, cuts):
            cut = source[: len(source) * k // cuts]
            for variant in (cut, cut + b"\n}\n"):
                for diagnostic in syntax_errors(parse(variant), variant):
                    checked += 1
                    _, _, expected = diagnostic.message.partition("; expected ")
                    assert not re.search(r"'_\w", expected), (path.name, k, diagnostic.message)
                    assert "_scanner_hook" not in diagnostic.message, (path.name, k, diagnostic.message)
    assert checked > 500


# --- a non-ASCII character --------------------------------------------------------------------


def test_unexpected_non_ascii_character_is_named_whole_and_covered():
    # Identifiers are ASCII (L§1.4): the message names the character itself (not U+FFFD decoded
    # from its first byte) and the range covers that one character.
    assert e008('flow main {\n    名字 = "x"\n}\n') == [
        ("2:5", "2:6", "unexpected '名'; expected a statement or '}' in flow 'main'")
    ]
    assert e008("flow main {\n    print(t, 中🌍\n}\n") == [
        ("2:14", "2:15", "unexpected '中'; expected an expression or ')' in flow 'main'")
    ]
    assert e008("flow main {\n    print(🌍)\n}\n") == [
        ("2:11", "2:12", "unexpected '🌍'; expected an expression or ')' in flow 'main'")
    ]


def test_unexpected_ascii_character_keeps_its_message():
    # Near miss: an ASCII junk character is still one byte wide and named as before.
    assert e008('flow main {\n    $ = "x"\n}\n') == [
        ("2:5", "2:6", "unexpected '$'; expected a statement or '}' in flow 'main'")
    ]
