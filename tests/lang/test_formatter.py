"""nexa_lang.formatter: idempotent, meaning-preserving formatting of Nexa source.

Every corpus file: formatting twice gives the result of formatting once, and the syntax tree
(node types, fields and leaf texts; comment texts in order) is the same before and after. Then
targeted cases: indentation, spacing, blank lines, comments in odd places, CJK text, strings kept
byte for byte, line ends (decision: the file's dominant line end is kept, so CRLF stays CRLF), and
refusal of files with syntax errors.
"""

from pathlib import Path

import pytest

from nexa_lang.formatter import FormatError, format_lines, format_source, syntax_signature


def test_every_corpus_file_formats_idempotently(corpus_files: list[Path]) -> None:
    unstable = []
    for path in corpus_files:
        once = format_source(path.read_text(encoding="utf-8"))
        if format_source(once) != once:
            unstable.append(path.name)
    assert unstable == []


def test_every_corpus_file_keeps_its_syntax_tree(corpus_files: list[Path]) -> None:
    changed = []
    for path in corpus_files:
        source = path.read_bytes()
        formatted = format_source(source.decode("utf-8")).encode("utf-8")
        if syntax_signature(formatted) != syntax_signature(source):
            changed.append(path.name)
    assert changed == []


def test_every_corpus_file_keeps_every_comment(corpus_files: list[Path]) -> None:
    for path in corpus_files:
        source = path.read_bytes()
        _, comments = syntax_signature(source)
        formatted = format_source(source.decode("utf-8"))
        assert all(c.decode("utf-8") in formatted for c in comments), path.name


def test_corpus_files_end_with_one_line_break_and_no_trailing_space(corpus_files: list[Path]) -> None:
    for path in corpus_files:
        formatted = format_source(path.read_text(encoding="utf-8"))
        assert formatted.endswith("\n") and not formatted.endswith("\n\n"), path.name


# ------------------------------------------------------------------------------- indentation


def test_blocks_and_bodies_are_indented_by_four_spaces() -> None:
    text = 'agent A {\nprompt: "x"\n}\nflow main {\nif true {\nprint("y")\n}\n}\n'
    assert format_source(text) == (
        'agent A {\n    prompt: "x"\n}\nflow main {\n    if true {\n        print("y")\n    }\n}\n'
    )


def test_the_indentation_unit_can_be_two_spaces_or_a_tab() -> None:
    text = "flow main {\nif true {\n    print([\n1])\n}\n}\n"
    assert format_source(text, "  ") == "flow main {\n  if true {\n    print([\n      1])\n  }\n}\n"
    tabbed = format_source(text, "\t")
    assert tabbed == "flow main {\n\tif true {\n\t\tprint([\n\t\t\t1])\n\t}\n}\n"
    assert format_source(tabbed, "\t") == tabbed
    assert format_source(tabbed) == format_source(text)  # back to the house style


@pytest.mark.parametrize("unit", ["", "\t\t", " \t", "x"])
def test_an_indentation_unit_that_is_not_spaces_or_one_tab_is_refused(unit: str) -> None:
    with pytest.raises(ValueError, match="indentation unit"):
        format_source("flow main {}\n", unit)


def test_two_space_indentation_becomes_four() -> None:
    text = "flow main {\n  x = 1\n  loop {\n    x = x + 1\n  } until (x > 3)\n}\n"
    assert format_source(text) == (
        "flow main {\n    x = 1\n    loop {\n        x = x + 1\n    } until (x > 3)\n}\n"
    )


def test_multi_line_dict_and_list_literals_are_indented() -> None:
    text = 'flow main {\nd = {\n"a": 1,\n"b": [\n1,\n2\n]\n}\n}\n'
    assert format_source(text) == (
        'flow main {\n    d = {\n        "a": 1,\n        "b": [\n            1,\n            2\n'
        "        ]\n    }\n}\n"
    )


def test_brackets_opened_on_one_line_indent_once() -> None:
    text = 'flow main {\nr = f({\n"a": 1\n})\n}\n'
    assert format_source(text) == 'flow main {\n    r = f({\n        "a": 1\n    })\n}\n'


def test_continuation_lines_get_one_more_level() -> None:
    text = "flow main(q) {\nr = q\n>> A\n>> B\nprint(r)\n}\n"
    assert format_source(text) == "flow main(q) {\n    r = q\n        >> A\n        >> B\n    print(r)\n}\n"


def test_a_header_over_several_lines_indents_its_body_from_its_first_line() -> None:
    text = 'agent P\nrequires "input has data"\nensures "output is valid" {\nprompt: "x"\n}\n'
    assert format_source(text) == (
        'agent P\n    requires "input has data"\n    ensures "output is valid" {\n    prompt: "x"\n}\n'
    )


def test_decorators_stay_at_the_level_of_their_declaration() -> None:
    text = '@limit(max_tokens=600)\nagent A {\nprompt: "x"\n}\n@tool("Now")\nfn now(): str {\nreturn "t"\n}\n'
    assert format_source(text) == (
        '@limit(max_tokens=600)\nagent A {\n    prompt: "x"\n}\n'
        '@tool("Now")\nfn now(): str {\n    return "t"\n}\n'
    )


def test_else_on_its_own_line_is_not_a_continuation() -> None:
    text = "flow main(x) {\nif x {\nprint(1)\n}\nelse {\nprint(2)\n}\n}\n"
    assert format_source(text) == (
        "flow main(x) {\n    if x {\n        print(1)\n    }\n    else {\n        print(2)\n    }\n}\n"
    )


# ------------------------------------------------------------------------------- spacing


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x=a+b*2", "x = a + b * 2"),
        ("x = a>>B|>>[C,D]&>>E", "x = a >> B |>> [C, D] &>> E"),
        ("ok = a==b and c!=d", "ok = a == b and c != d"),
        ("y = x ?? A:B", "y = x ?? A : B"),
        ("y = f( a , b )", "y = f(a, b)"),
        ("y = xs [ 0 ]", "y = xs[0]"),
        ("y = a . b . c ( )", "y = a.b.c()"),
        ("y = - 1", "y = -1"),
        ("y = a - -b", "y = a - -b"),
        ("y = x ? ", "y = x?"),
        ("y = Option :: Some", "y = Option::Some"),
        ("if(x){print(1)}", "if (x) { print(1) }"),
        ("y = fn ( a ) { return a }", "y = fn(a) { return a }"),
        ('d = {"a" : 1}', 'd = {"a": 1}'),
        ('d = { "a" : 1 }', 'd = { "a": 1 }'),
        ("f(n=1)", "f(n=1)"),
        ("f(n = 1)", "f(n = 1)"),
    ],
)
def test_spacing_within_a_line(before: str, after: str) -> None:
    assert format_source(f"flow main(x, a, b, c, d, xs, f) {{\n{before}\n}}\n") == (
        f"flow main(x, a, b, c, d, xs, f) {{\n    {after}\n}}\n"
    )


def test_key_value_spacing_in_agents_tools_and_harness_parameters() -> None:
    text = (
        'agent A{prompt :"x",model:"m"}\n'
        '@tool( "Now" , risk_level:"low" )fn now( ):str{return "t"}\n'
        'flow main{autoloop max_steps:8 , timeout:60{verify "the answer is good" against x}}\n'
    )
    assert format_source(text) == (
        'agent A { prompt: "x", model: "m" }\n'
        '@tool("Now", risk_level: "low") fn now(): str { return "t" }\n'
        'flow main { autoloop max_steps: 8, timeout: 60 { verify "the answer is good" against x } }\n'
    )


def test_function_and_type_annotations() -> None:
    assert format_source("trait T { fn format() : String }\n") == "trait T { fn format(): String }\n"
    assert format_source('type E = str @ "an email"\n') == 'type E = str @ "an email"\n'
    assert format_source("flow f(x : list [ str ]) -> str ? { return x }\n") == (
        "flow f(x: list[str]) -> str? { return x }\n"
    )


# ------------------------------------------------------------------------------- lines


def test_blank_lines_are_collapsed_and_trimmed_at_bracket_edges() -> None:
    text = "\n\nflow main {\n\n    a = 1\n\n\n\n    b = 2\n\n}\n\n\n\nflow other {\n}\n\n\n"
    assert format_source(text) == "flow main {\n    a = 1\n\n    b = 2\n}\n\nflow other {\n}\n"


def test_trailing_white_space_is_removed() -> None:
    assert (
        format_source("flow main {   \n    x = 1 \t\n} // done   \n") == "flow main {\n    x = 1\n} // done\n"
    )


def test_line_breaks_are_never_joined_or_split() -> None:
    # §1.2: `return` takes the next line's expression; a line starting with `-` continues.
    text = "flow main(x) {\n    y = x\n    -1\n    return\n    y\n}\n"
    assert format_source(text).count("\n") == text.count("\n")
    assert syntax_signature(format_source(text).encode()) == syntax_signature(text.encode())


# ------------------------------------------------------------------------------- comments


def test_comments_in_odd_places_are_kept() -> None:
    text = (
        "/* header */ flow /* a */ main /* b */ ( /* c */ ) {\n"
        "x = f( // first argument\n"
        "1, /* two */ 2)\n"
        "y = x // after\n"
        "    >> A // piped\n"
        "// last line of the body\n"
        "}\n"
        "// end of file"
    )
    assert format_source(text) == (
        "/* header */ flow /* a */ main /* b */ (/* c */) {\n"
        "    x = f( // first argument\n"
        "        1, /* two */ 2)\n"
        "    y = x // after\n"
        "        >> A // piped\n"
        "    // last line of the body\n"
        "}\n"
        "// end of file\n"
    )


def test_aligned_trailing_comments_stay_aligned() -> None:
    text = "protocol P {\n    name: str,     // the name\n    age: int,      // the age\n}\n"
    assert format_source(text) == text


def test_multi_line_block_comments_are_not_reindented() -> None:
    text = "flow main {\n      /* one\n   two\n         three */\n  x = 1\n}\n"
    assert format_source(text) == "flow main {\n    /* one\n   two\n         three */\n    x = 1\n}\n"


def test_a_comment_that_looks_like_code_stays_a_comment() -> None:
    text = 'flow main {\n    x = "a // not a comment"  // a comment with "quotes" and { braces\n}\n'
    assert format_source(text) == text


# ------------------------------------------------------------------------------- strings and CJK


def test_cjk_text_and_strings_are_kept_byte_for_byte() -> None:
    text = 'agent 助手 { prompt: "你好，世界 #{name}" }\n'
    with pytest.raises(FormatError):  # identifiers are ASCII: a syntax error, not formatted
        format_source(text)
    text = 'agent Helper {prompt:"你好，世界  #{name}  ",   role :  "助手"} // 中文注释\n'
    assert (
        format_source(text) == 'agent Helper { prompt: "你好，世界  #{name}  ", role: "助手" } // 中文注释\n'
    )


def test_triple_quoted_template_and_python_bodies_are_kept() -> None:
    body = 'python! """\nimport os\n  if True:\n      x = 1   \n"""'
    text = (
        "flow main {\n"
        f"  {body}\n"
        '  t = template"""\n  {{ name }}   \n{% for x in xs %}{{x}}{% endfor %}\n"""\n'
        '  p = """\n    keep   this\n\tand this\n"""\n'
        "}\n"
    )
    formatted = format_source(text)
    assert body in formatted
    assert 'template"""\n  {{ name }}   \n{% for x in xs %}{{x}}{% endfor %}\n"""' in formatted
    assert '"""\n    keep   this\n\tand this\n"""' in formatted


def test_raw_strings_and_escapes_are_kept() -> None:
    text = 'flow main {\n    x = r"\\d+  \\s"\n    y = "tab\\t  quote\\" end"\n}\n'
    assert format_source(text) == text


# ------------------------------------------------------------------------------- line ends


def test_crlf_input_keeps_crlf() -> None:
    text = "flow main {\r\nx = 1\r\n\r\n\r\nprint(x)\r\n}"
    assert format_source(text) == "flow main {\r\n    x = 1\r\n\r\n    print(x)\r\n}\r\n"


def test_mixed_line_ends_become_the_most_common_one() -> None:
    text = "flow main {\r\nx = 1\r\ny = 2\nprint(x)\r\n}\r\n"
    assert format_source(text) == "flow main {\r\n    x = 1\r\n    y = 2\r\n    print(x)\r\n}\r\n"


def test_line_ends_inside_strings_are_kept() -> None:
    text = 'flow main {\n    p = """a\r\nb"""\n}\n'
    assert format_source(text) == text


def test_a_byte_order_mark_is_kept() -> None:
    assert format_source("\ufeffflow main {\nx = 1\n}") == "\ufeffflow main {\n    x = 1\n}\n"


# ------------------------------------------------------------------------------- refusal and trivia


def test_a_file_with_syntax_errors_is_refused_with_the_reason() -> None:
    text = 'flow main {\n    x = \n}\nagent A { prompt: "x"\n'
    with pytest.raises(FormatError) as caught:
        format_source(text)
    assert caught.value.text == text
    assert caught.value.line is not None
    assert "syntax errors" in str(caught.value)


def test_empty_and_comment_only_files() -> None:
    assert format_source("") == ""
    assert format_source("   \n\n") == ""
    assert format_source("// only a comment   \n\n\n") == "// only a comment\n"


def test_formatting_is_idempotent_on_the_targeted_cases() -> None:
    text = "flow main(q){\nr=q>>A\n  >>B // c\nd={\n'k':[1,2,\n3]}\nif(r){print(r)}\nelse{print(d)}\n}\n"
    once = format_source(text)
    assert format_source(once) == once
    assert syntax_signature(once.encode()) == syntax_signature(text.encode())


# ---------------------------------------------------------------------------------- range formatting

MESSY = 'agent A { prompt: "p" }\nflow main {\nx = "中文"\n  >> A\n\n\n\n   y =[1,2]\n  print(x,y)\n}\n'


def apply_line_edits(text: str, edits) -> str:
    data = text.encode()
    for edit in sorted(edits, key=lambda e: -e.span[0]):
        data = data[: edit.span[0]] + edit.new_text.encode() + data[edit.span[1] :]
    return data.decode()


def test_format_lines_changes_only_the_lines_in_the_range():
    result = apply_line_edits(MESSY, format_lines(MESSY, 2, 3))
    assert result.splitlines()[2:4] == ['    x = "中文"', "        >> A"]
    assert result.splitlines()[4:] == MESSY.splitlines()[4:]


def test_format_lines_over_the_whole_file_is_format_source():
    assert apply_line_edits(MESSY, format_lines(MESSY, 0, 100)) == format_source(MESSY)


def test_format_lines_drops_blank_lines_only_inside_the_range():
    result = apply_line_edits(MESSY, format_lines(MESSY, 4, 7))
    assert result.splitlines()[:4] == MESSY.splitlines()[:4]
    assert result.splitlines()[4:6] == ["", "    y = [1, 2]"]


def test_format_lines_on_formatted_text_is_empty():
    assert format_lines(format_source(MESSY), 0, 5) == []


def test_format_lines_refuses_a_file_with_syntax_errors():
    with pytest.raises(FormatError):
        format_lines("flow main { x = }\n", 0, 0)
