"""E004 duplicate-declaration: names, keys, parameters, fields, variants, tests and tool sets."""

from nexa_lang.checker import check_text


def test_e004_points_at_the_second_agent_with_the_first_as_related(diagnostics) -> None:
    text = 'agent Scout { prompt: "a" }\nagent Scout { prompt: "b" }\n'
    [d] = diagnostics(text, "E004")
    assert (d.message, d.span.start) == ("duplicate declaration of 'Scout'; first declared at line 1", 34)
    assert [(r.span.start, r.message) for r in d.related] == [(6, "first declared here")]


def test_e004_not_reported_for_distinct_names(found) -> None:
    assert found('agent Scout { prompt: "a" }\nagent Scribe { prompt: "b" }\n', "E004") == []


def test_e004_rename_fix_renames_only_the_second(fixed) -> None:
    text = 'agent Scout { prompt: "a" }\nflow Scout { print(1) }\n'
    assert fixed(text, "E004") == 'agent Scout { prompt: "a" }\nflow Scout2 { print(1) }\n'


def test_e004_property_key_repeated_across_spellings(found) -> None:
    text = 'agent A {\n    prompt: "x",\n    timeout: 60,\n    timeout = 90\n}\n'
    assert found(text, "E004") == [
        ("E004", 4, 5, "duplicate declaration of 'timeout'; first declared at line 3")
    ]


def test_e004_remove_fix_deletes_the_duplicate_member(diagnostics) -> None:
    text = 'agent A {\n    prompt: "x",\n    timeout: 60,\n    timeout: 90\n}\n'
    [d] = diagnostics(text, "E004")
    assert [f.title for f in d.fixes] == ["Remove the duplicate"]
    edit = d.fixes[0].edits[0]
    assert text[: edit.start] + text[edit.end :] == 'agent A {\n    prompt: "x",\n    timeout: 60,\n}\n'


def test_e004_output_type_next_to_a_result_type(found) -> None:
    text = 'agent A -> str { prompt: "x", output_type: "str" }\n'
    assert found(text, "E004") == [
        ("E004", 1, 31, "duplicate declaration of 'output_type'; first declared at line 1")
    ]


def test_e004_parameters_fields_variants_and_tool_parameters(found) -> None:
    text = (
        "flow f(a, b, a) { print(a) }\n"
        'protocol P { a: "string", a: "int" }\n'
        "struct S { x: int, x: str }\n"
        "enum E { Red, Blue, Red }\n"
        'tool T { description: "d", parameters: {"q": "string", "q": "int"} }\n'
    )
    assert [(line, column) for _, line, column, _ in found(text, "E004")] == [
        (1, 14),
        (2, 27),
        (3, 20),
        (4, 21),
        (5, 56),
    ]


def test_e004_two_tests_with_one_name(found) -> None:
    text = 'test "adds" { assert 1 == 1 }\ntest "adds" { assert 2 == 2 }\n'
    assert found(text, "E004") == [
        ("E004", 2, 6, "duplicate declaration of 'adds'; first declared at line 1")
    ]


def test_e004_test_rename_keeps_the_quotes(fixed) -> None:
    text = 'test "adds" { assert 1 == 1 }\ntest "adds" { assert 2 == 2 }\n'
    assert fixed(text, "E004").splitlines()[1] == 'test "adds2" { assert 2 == 2 }'


def test_e004_a_second_perform_in_a_job(found) -> None:
    text = 'job Mail on "mail" {\n    perform(x) { print(x) }\n    perform(y) { print(y) }\n}\n'
    assert found(text, "E004") == [
        ("E004", 3, 5, "duplicate declaration of 'perform'; first declared at line 2")
    ]


def test_e004_tool_set_items_exposing_one_name(found) -> None:
    text = 'agent A uses std.fs, std.fs.file_read { prompt: "x" }\n'
    assert found(text, "E004") == [
        ("E004", 1, 22, "tool name 'file_read' is already offered to 'A' by 'std.fs'")
    ]


def test_e004_distinct_tool_set_items_are_fine(found) -> None:
    assert found('agent A uses std.fs, std.time.time_now { prompt: "x" }\n', "E004") == []


def test_e004_top_level_variable_assigned_twice_is_not_a_duplicate(found) -> None:
    assert found("x = 1\nx = 2\nlet y = 1\nlet y = 2\n", "E004") == []


def test_e004_names_the_file_of_the_first_declaration(tmp_path) -> None:
    (tmp_path / "lib.nxlib").write_text('agent Scout { prompt: "a" }\n')
    root = tmp_path / "main.nx"
    root.write_text('include "lib.nxlib"\nagent Scout { prompt: "b" }\nflow main { print(1) }\n')
    [d] = check_text(root.read_text(), str(root), codes=["E004"])
    assert d.message == "duplicate declaration of 'Scout'; first declared at line 1 in lib.nxlib"
    assert d.related[0].path == str(tmp_path / "lib.nxlib")
