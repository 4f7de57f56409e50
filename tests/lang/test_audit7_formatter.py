"""Audit 7 (formatter): cases written from the spec, one section per finding, and a property test
over every corpus file and every parseable code block of the spec: the formatted text lowers to
the same AST (spans ignored) with the same diagnostics, keeps every comment in order and every
string byte for byte, and formatting it again changes nothing."""

import re
import time
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from nexa_lang.check import check_source
from nexa_lang.formatter import ATOMS, FormatError, LineEdit, format_lines, format_source
from nexa_lang.lowering import lower
from nexa_lang.parsing import parse
from nexa_lang.positions import Span
from nexa_lsp.cli import main

SPEC_DIR = Path(__file__).resolve().parents[3] / "shared" / "spec"


# ------------------------------------------------------------------------------- properties


def _shape(value: object) -> object:
    """An AST value without its spans (names keep their text, without white space or comments,
    since a dotted name's text is its source text)."""
    if isinstance(value, Span):
        return None
    if is_dataclass(value):
        kept = [f.name for f in fields(value) if not f.name.endswith("span")]
        return type(value).__name__, tuple((name, _shape(getattr(value, name))) for name in kept)
    if isinstance(value, list | tuple):
        return tuple(_shape(item) for item in value)
    if isinstance(value, str):
        return re.sub(r"/\*.*?\*/|//[^\n]*|\s+", "", value, flags=re.S)
    return value


def _strings_and_comments(source: bytes) -> tuple[list[bytes], list[bytes]]:
    strings: list[bytes] = []
    comments: list[bytes] = []
    stack = [parse(source).root_node]
    while stack:
        node = stack.pop()
        text = source[node.start_byte : node.end_byte]
        if node.type == "comment":
            comments.append(text.rstrip() if text.startswith(b"//") else text)
        elif node.type in ATOMS:
            strings.append(text)
        else:
            stack.extend(reversed(node.children))
    return strings, comments


def _diagnostic_kinds(text: str) -> list[tuple[str, str]]:
    # Line numbers inside messages move when blank lines are dropped.
    return sorted((d.code, re.sub(r"\d+", "N", d.message)) for d in check_source(text, "case.nx"))


def _spec_blocks() -> list[str]:
    blocks = []
    for path in sorted(SPEC_DIR.glob("*.md")):
        for match in re.finditer(r"```(\w*)\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
            if match.group(1) in ("nexa", "") and not parse(match.group(2).encode()).root_node.has_error:
                blocks.append(match.group(2))
    return blocks


def _assert_format_preserves(text: str) -> None:
    formatted = format_source(text)
    source, result = text.encode(), formatted.encode()
    assert _shape(lower(parse(result).root_node, result)) == _shape(lower(parse(source).root_node, source))
    assert _strings_and_comments(result) == _strings_and_comments(source)
    assert _diagnostic_kinds(formatted) == _diagnostic_kinds(text)
    assert format_source(formatted) == formatted


def test_every_corpus_file_keeps_its_ast_diagnostics_strings_and_comments(corpus_files: list[Path]) -> None:
    for path in corpus_files:
        _assert_format_preserves(path.read_bytes().decode("utf-8"))


def test_every_parseable_spec_code_block_keeps_its_ast_diagnostics_strings_and_comments() -> None:
    if not SPEC_DIR.is_dir():
        pytest.skip("the spec is not beside the repository")
    blocks = _spec_blocks()
    assert len(blocks) > 50
    for block in blocks:
        _assert_format_preserves(block)


# ------------------------------------------------------------------------------- finding 1
# A comment on a line of its own before `else` / `catch` was indented one level deeper than the
# `else` it explains (it was read as a continuation of the `}` above).


def test_a_comment_line_before_else_or_catch_stands_at_their_level() -> None:
    text = (
        "flow main(a) {\nif (a > 1) {\nprint(1)\n}\n// before else\nelse {\nprint(2)\n}\n"
        'try {\nraise "x"\n}\n  // before catch\ncatch (e) {\nprint(e)\n}\n}\n'
    )
    assert format_source(text) == (
        "flow main(a) {\n    if (a > 1) {\n        print(1)\n    }\n    // before else\n    else {\n"
        '        print(2)\n    }\n    try {\n        raise "x"\n    }\n    // before catch\n'
        "    catch (e) {\n        print(e)\n    }\n}\n"
    )


def test_comment_lines_in_a_continuation_and_before_a_closing_brace_keep_their_level() -> None:
    text = 'flow main {\nr = "x"\n// why\n>> A\nif (true) {\nx = 1\n// last\n}\n}\nagent A { prompt: "a" }\n'
    assert format_source(text) == (
        'flow main {\n    r = "x"\n        // why\n        >> A\n    if (true) {\n        x = 1\n'
        '        // last\n    }\n}\nagent A { prompt: "a" }\n'
    )


# ------------------------------------------------------------------------------- finding 2
# Unary minus before a parenthesis got a space: `-(1)` became `- (1)`.


@pytest.mark.parametrize(
    ("before", "after"),
    [("y = -(a + b)", "y = -(a + b)"), ("y = - ( a )", "y = -(a)"), ("y = a - (b)", "y = a - (b)")],
)
def test_unary_minus_touches_its_parenthesis(before: str, after: str) -> None:
    assert format_source(f"flow main(a, b) {{\n{before}\n}}\n") == f"flow main(a, b) {{\n    {after}\n}}\n"


# ------------------------------------------------------------------------------- finding 3
# `semantic_if (value, "question")` (L§5.11) and `unharnessed ("reason")` (L§4.15) are keywords
# followed by a parenthesis, like `if (x)` and `catch (e)`; the space was removed.


def test_semantic_if_case_tables_and_unharnessed_keep_the_keyword_space() -> None:
    text = 'flow main(x) {\nt = semantic_if(x, "kind?") { "a" => 1 }\nunharnessed("bench") { print(t) }\n}\n'
    assert format_source(text) == (
        'flow main(x) {\n    t = semantic_if (x, "kind?") { "a" => 1 }\n'
        '    unharnessed ("bench") { print(t) }\n}\n'
    )
    near_miss = "flow main(x) {\n    restore(x)\n    on_error(e) { print(e) }\n    s = snapshot()\n}\n"
    assert format_source(near_miss) == near_miss


# ------------------------------------------------------------------------------- finding 4
# Where the user chooses the spacing (inside dict braces and map patterns, around the `=` of a
# named argument), each side was kept on its own, so `{ "a": 1}` and `f(n ="x")` stayed lopsided.


def test_user_chosen_spacing_is_the_same_on_both_sides() -> None:
    text = (
        'flow main(d) {\na = { "k": 1}\nb = {"k": 1 }\nlet { name, age: years} = d\n'
        'c = f(new_name ="X", m= 2)\n}\n@retry(max_attempts= 2)\nagent A { prompt: "x" }\n'
    )
    assert format_source(text) == (
        'flow main(d) {\n    a = { "k": 1 }\n    b = { "k": 1 }\n    let { name, age: years } = d\n'
        '    c = f(new_name = "X", m = 2)\n}\n@retry(max_attempts = 2)\nagent A { prompt: "x" }\n'
    )


def test_tight_and_spaced_choices_that_are_already_symmetric_stay() -> None:
    text = (
        'flow main {\n    a = {"k": 1}\n    b = { "k": 1 }\n    c = f(n=1, m = 2)\n    d = {\n'
        '        "k": 1}\n    e = {}\n}\n@timeout(seconds=45)\nagent A { prompt: "x" }\n'
    )
    assert format_source(text) == text


def test_a_comment_next_to_a_named_argument_or_brace_keeps_formatting_idempotent() -> None:
    text = (
        'flow main {\nc = f(n=/*why*/ 1)\nd = {/*k*/ "k": 1}\n}\n'
        '@limit(max_tokens=/*c*/ 9)\nagent A { prompt: "x" }\n'
    )
    once = format_source(text)
    assert format_source(once) == once
    assert "n= /*why*/ 1" in once and '{ /*k*/ "k": 1}' in once


# ------------------------------------------------------------------------------- finding 5
# Formatting took quadratic time in the length of a body (each line start listed every statement
# of the enclosing block): 5000 lines took 37 s, so format-on-save of a long file hung the editor.


def _long_flow(lines: int) -> str:
    body = "".join(f'  x{i} = foo({i}, [1, 2], {{"a": {i}}}) >> A // c{i}\n' for i in range(lines))
    return f'flow main {{\n{body}}}\nagent A {{ prompt: "a" }}\n'


def _seconds_to_format(text: str) -> float:
    start = time.perf_counter()
    format_source(text)
    return time.perf_counter() - start


def test_formatting_time_grows_linearly_with_the_length_of_a_body() -> None:
    small, large = _long_flow(300), _long_flow(2400)
    _seconds_to_format(small)  # warm up
    ratio = _seconds_to_format(large) / _seconds_to_format(small)
    assert ratio < 20  # 8 times the lines: about 8 times the time (quadratic gave over 30)
    assert format_source(large).count("\n    x") == 2400


# ------------------------------------------------------------------------------- finding 6
# A lambda (or `match`, or case table) whose parameters or subject ran over two lines had its body
# indented from the parameters' continuation line: body two levels in, `}` one level in.


def test_a_lambda_body_after_multi_line_parameters_is_indented_from_the_fn_line() -> None:
    text = "flow main {\nf = fn(a,\nb) {\nreturn a\n}\nv = match f(1,\n2) {\n_ => 0\n}\n}\n"
    assert format_source(text) == (
        "flow main {\n    f = fn(a,\n        b) {\n        return a\n    }\n"
        "    v = match f(1,\n        2) {\n        _ => 0\n    }\n}\n"
    )


def test_a_lambda_opened_on_a_continuation_line_stays_indented_from_that_line() -> None:
    text = "flow main(xs) {\n    r = xs\n        >> fn(a) {\n            return a\n        }\n}\n"
    assert format_source(text) == text


# ------------------------------------------------------------------------------- finding 7
# `nexa-lsp --format DIR` failed with "cannot format (IsADirectoryError …)" although `--check DIR`
# checks every .nx/.nxlib file under it; a missing path printed a Python exception text.


def test_format_formats_every_source_file_of_a_folder_and_leaves_a_broken_one_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.nx").write_text("flow main {\nprint(1)\n}\n")
    (tmp_path / "sub" / "b.nxlib").write_text('agent A {\nprompt: "x"\n}\n')
    (tmp_path / "notes.txt").write_text("flow main {\nprint(1)\n}\n")
    broken = "flow main {\n  x = (1 +\n}\n"
    (tmp_path / "bad.nx").write_text(broken)
    assert main(["--format", str(tmp_path), str(tmp_path / "missing.nx")]) == 2
    assert (tmp_path / "a.nx").read_text() == "flow main {\n    print(1)\n}\n"
    assert (tmp_path / "sub" / "b.nxlib").read_text() == 'agent A {\n    prompt: "x"\n}\n'
    assert (tmp_path / "notes.txt").read_text() == "flow main {\nprint(1)\n}\n"
    assert (tmp_path / "bad.nx").read_text() == broken
    err = capsys.readouterr().err
    assert "bad.nx: the file has syntax errors (first at line 2); not formatted" in err
    assert "missing.nx: no such file or directory" in err
    assert "Error" not in err


def test_format_of_a_clean_folder_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "a.nx").write_text("flow main {\n    print(1)\n}\n")
    assert main(["--format", str(tmp_path)]) == 0
    assert (tmp_path / "a.nx").read_text() == "flow main {\n    print(1)\n}\n"


# ------------------------------------------------------------------------------- finding 8
# A rest pattern right after a comma kept the missing space: `[h,..t]` stayed as it was.


def test_a_rest_pattern_after_a_comma_gets_the_space_of_a_list_item() -> None:
    text = "flow main(xs) {\nlet [first,..others] = xs\nmatch xs { [h,.. t] => h, _ => 0 }\n}\n"
    assert format_source(text) == (
        "flow main(xs) {\n    let [first, ..others] = xs\n    match xs { [h, ..t] => h, _ => 0 }\n}\n"
    )
    near_miss = "flow main(rows) {\n    for [h, ..t] in rows { print(t) }\n}\n"
    assert format_source(near_miss) == near_miss


# ------------------------------------------------------------------------------- finding 9
# An `if` whose condition ran over two lines indented its body from the condition's inner line:
# the body two levels in, the `}` and the `else` one level too deep, and each `else if` deeper.


def test_a_body_after_a_multi_line_condition_is_indented_from_the_statement_line() -> None:
    text = "flow main(a, b) {\nif (a and\nb) {\nprint(1)\n} else if (b or\na) {\nprint(2)\n}\nprint(3)\n}\n"
    assert format_source(text) == (
        "flow main(a, b) {\n    if (a and\n            b) {\n        print(1)\n    } else if (b or\n"
        "            a) {\n        print(2)\n    }\n    print(3)\n}\n"
    )
    loop = "flow main(a, b) {\n    while (a and\n            b) {\n        print(1)\n    }\n}\n"
    assert format_source(loop) == loop


def test_multi_line_headers_of_declarations_and_autoloop_keep_their_body_level() -> None:
    text = (
        '@timeout(\n    seconds=4)\nagent A uses std.fs,\n    std.http {\n    prompt: "p"\n}\n'
        "flow main(a, b) {\n"
        '    autoloop max_steps: 3,\n        exit_when: "done" {\n        print(2)\n    }\n}\n'
    )
    assert format_source(text) == text


# ------------------------------------------------------------------------------- finding 10
# Range formatting counted lines with `str.splitlines`, which also cuts at U+2028, U+0085 and form
# feeds inside strings and comments: every line after such a string was off by one, so "format
# selection" edited the wrong line or nothing. An editor counts only LF, CRLF and CR (LSP 3.17).


def _apply(text: str, edits: list[LineEdit]) -> str:
    data = text.encode("utf-8")
    for edit in sorted(edits, key=lambda e: e.span[0], reverse=True):
        data = data[: edit.span[0]] + edit.new_text.encode("utf-8") + data[edit.span[1] :]
    return data.decode("utf-8")


@pytest.mark.parametrize("odd", ["\u2028", "\x85", "\x0c", "\x1e"])
def test_range_formatting_counts_lines_like_the_editor(odd: str) -> None:
    text = f'flow main {{\nx = "a{odd}b" // c{odd}d\ny = 2\nz = 3\n}}\n'
    assert (
        _apply(text, format_lines(text, 2, 2))
        == f'flow main {{\nx = "a{odd}b" // c{odd}d\n    y = 2\nz = 3\n}}\n'
    )


def test_range_formatting_with_crlf_and_cr_line_ends() -> None:
    text = "flow main {\r\nx = 1\r\ny = 2\r\n}\r\n"
    assert _apply(text, format_lines(text, 2, 2)) == "flow main {\r\nx = 1\r\n    y = 2\r\n}\r\n"


# ------------------------------------------------------------------------------- finding 11
# A text holding a lone surrogate (possible in a string handed to the library) raised
# UnicodeEncodeError instead of the FormatError every caller handles.


def test_a_lone_surrogate_is_refused_with_a_format_error() -> None:
    text = 'flow main { x = "\ud800" }\n'
    with pytest.raises(FormatError, match="not valid Unicode") as refused:
        format_source(text)
    assert refused.value.text == text
    with pytest.raises(FormatError):
        format_lines(text, 0, 0)
    assert format_source('flow main { x = "\U0001f600" }\n') == 'flow main { x = "\U0001f600" }\n'
