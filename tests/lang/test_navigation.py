"""Definition, references and document highlights (nexa_lang.navigation) on small programs, across
included files, with Chinese text before the names, and over the upstream corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.navigation import HighlightKind, definition, document_highlights, occurrence_at, references
from nexa_lang.occurrences import Denotes, program_occurrences


def analysis_of(text: str, path: Path | None = None, workspace: Workspace | None = None) -> Analysis:
    workspace = workspace or Workspace()
    file = workspace.set_text(str(path), text) if path else SourceFile.from_text(text)
    return analyze(workspace, file)


def at(text: str, needle: str, nth: int = 0, plus: int = 0) -> int:
    """The byte offset of the `nth` occurrence of `needle` in `text`, moved `plus` bytes on."""
    data, wanted = text.encode(), needle.encode()
    offset = -1
    for _ in range(nth + 1):
        offset = data.index(wanted, offset + 1)
    return offset + plus


def defined_at(analysis: Analysis, offset: int) -> list[tuple[str, int]]:
    """(text, byte offset) of each definition of the name at `offset`."""
    return [(loc.file.text_of(loc.span), loc.span.start) for loc in definition(analysis, offset)]


PROGRAM = """protocol Report { title: "string" }
tool Search { description: "search the web" }
agent Writer uses Search implements Report {
    prompt: "write"
    fn helper(a) { return a }
    flow go(topic) {
        r = helper(topic)
        return self.helper(r)
    }
}
enum Shape { Circle(r: float), Square }
total = 1
flow main(n: int) {
    s = Shape::Circle(1.0)
    y = Writer.helper(n) >> Writer
    match s { Shape::Circle(r) => print(r), _ => print(total) }
    print("值 #{y} #{n}")
    main(n = 2)
}
"""


# ---------------------------------------------------------------------------------- definition


def test_definition_of_an_agent_used_in_a_dag_goes_to_its_declaration():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "Writer", 2)) == [("Writer", at(PROGRAM, "Writer"))]


def test_definition_of_a_global_variable_read_in_a_flow_goes_to_its_assignment():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "total", 1)) == [("total", at(PROGRAM, "total"))]


def test_definition_of_a_parameter_and_of_a_local():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "topic", 1)) == [("topic", at(PROGRAM, "topic"))]
    assert defined_at(a, at(PROGRAM, "r)", 0)) == [("r", at(PROGRAM, "r =", 0))]


def test_definition_from_the_end_of_a_name():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "topic", 1, plus=5)) == [("topic", at(PROGRAM, "topic"))]


def test_definition_of_agent_members_through_the_agent_self_and_unqualified():
    a = analysis_of(PROGRAM)
    declared = [("helper", at(PROGRAM, "helper"))]
    assert defined_at(a, at(PROGRAM, "helper", 1)) == declared  # unqualified in a member body
    assert defined_at(a, at(PROGRAM, "self.helper", plus=5)) == declared
    assert defined_at(a, at(PROGRAM, "Writer.helper", plus=7)) == declared


def test_definition_of_implements_and_uses_items():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "Report", 1)) == [("Report", at(PROGRAM, "Report"))]
    assert defined_at(a, at(PROGRAM, "Search", 1)) == [("Search", at(PROGRAM, "Search"))]


def test_definition_of_enum_and_variant_in_expressions_and_patterns():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "Shape::", 0)) == [("Shape", at(PROGRAM, "Shape"))]
    assert defined_at(a, at(PROGRAM, "Circle", 1)) == [("Circle", at(PROGRAM, "Circle"))]
    assert defined_at(a, at(PROGRAM, "Circle", 2)) == [("Circle", at(PROGRAM, "Circle"))]
    assert defined_at(a, at(PROGRAM, "Shape", 2)) == [("Shape", at(PROGRAM, "Shape"))]


def test_definition_of_a_pattern_binding_inside_a_match_arm():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "print(r)", plus=6)) == [("r", at(PROGRAM, "Circle(r)", plus=7))]


def test_definition_of_a_name_interpolated_in_a_string():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "#{y}", plus=2)) == [("y", at(PROGRAM, "y ="))]
    assert defined_at(a, at(PROGRAM, "#{n}", plus=2)) == [("n", at(PROGRAM, "n: int"))]


def test_no_definition_inside_plain_string_text():
    a = analysis_of(PROGRAM)
    assert definition(a, at(PROGRAM, "值")) == []
    assert definition(a, at(PROGRAM, "search the web", plus=3)) == []


def test_definition_of_a_keyword_argument_is_the_flow_parameter():
    a = analysis_of(PROGRAM)
    assert defined_at(a, at(PROGRAM, "n = 2")) == [("n", at(PROGRAM, "n: int"))]


def test_no_definition_for_prelude_std_and_keywords():
    src = 'agent A uses std.fs { prompt: "p" }\nflow main { print(len([1])) }\n'
    a = analysis_of(src)
    assert definition(a, at(src, "len")) == []
    assert definition(a, at(src, "fs")) == []
    assert definition(a, at(src, "flow")) == []


def test_definition_after_chinese_text_on_the_same_line():
    src = 'flow main {\n    标题 = "说明"; 名字 = "x"; value = 1; print("中文 #{value}") }\n'
    a = analysis_of(src)
    assert defined_at(a, at(src, "#{value}", plus=2)) == [("value", at(src, "value"))]


def test_a_local_shadowing_a_global_is_its_own_definition():
    src = 'x = 1\nflow main { x = "local"\n print(x) }\nflow other { print(x) }\n'
    a = analysis_of(src)
    assert defined_at(a, at(src, "x", 2)) == [("x", at(src, "x", 1))]
    assert defined_at(a, at(src, "x", 3)) == [("x", at(src, "x", 0))]


def test_lambda_reads_the_enclosing_local():
    src = "flow main { base = 2\n f = fn(v) { return v * base }\n print(f(1)) }\n"
    a = analysis_of(src)
    assert defined_at(a, at(src, "base", 1)) == [("base", at(src, "base"))]


def test_definition_across_an_include(tmp_path: Path):
    (tmp_path / "lib.nxlib").write_text('// 工具库\nagent Helper { prompt: "帮助" }\n', encoding="utf-8")
    src = 'include "lib.nxlib"\nflow main { r = "问题" >> Helper }\n'
    a = analysis_of(src, tmp_path / "main.nx")
    [location] = definition(a, at(src, "Helper"))
    assert location.file.path is not None and location.file.path.endswith("lib.nxlib")
    assert location.file.text_of(location.span) == "Helper"


def test_definition_of_an_include_path_is_the_file(tmp_path: Path):
    (tmp_path / "lib.nxlib").write_text('agent Helper { prompt: "p" }\n', encoding="utf-8")
    src = 'include "lib.nxlib"\nflow main { print(1) }\n'
    a = analysis_of(src, tmp_path / "main.nx")
    [location] = definition(a, at(src, "lib"))
    assert location.file.path is not None and location.file.path.endswith("lib.nxlib")
    assert location.span == (0, 0)


def test_no_definition_for_a_missing_include(tmp_path: Path):
    src = 'include "absent.nxlib"\n'
    assert definition(analysis_of(src, tmp_path / "main.nx"), at(src, "absent")) == []


def test_definition_of_a_job_handler_parameter_and_type_names():
    src = (
        'struct Point { x: int }\njob Mail on "mail" {\n perform(to) { print(to) }\n}\n'
        "flow f(p: Point) -> Point { return p }\n"
    )
    a = analysis_of(src)
    assert defined_at(a, at(src, "print(to)", plus=6)) == [("to", at(src, "to)"))]
    assert defined_at(a, at(src, "Point", 2)) == [("Point", at(src, "Point"))]


# ---------------------------------------------------------------------------------- references


def test_references_of_a_member_include_agent_self_and_unqualified_uses():
    a = analysis_of(PROGRAM)
    found = references(a, at(PROGRAM, "helper"))
    assert [loc.span.start for loc in found] == [
        at(PROGRAM, "helper", 0),
        at(PROGRAM, "helper", 1),
        at(PROGRAM, "helper", 2),
        at(PROGRAM, "helper", 3),
    ]


def test_references_without_the_declaration():
    a = analysis_of(PROGRAM)
    found = references(a, at(PROGRAM, "Writer"), include_declaration=False)
    assert [loc.span.start for loc in found] == [at(PROGRAM, "Writer", 1), at(PROGRAM, "Writer", 2)]


def test_references_of_a_local_stay_in_its_activation():
    src = "flow a { v = 1\n print(v) }\nflow b { v = 2\n print(v) }\n"
    a = analysis_of(src)
    assert [loc.span.start for loc in references(a, at(src, "v"))] == [at(src, "v", 0), at(src, "v", 1)]


def test_references_span_included_files(tmp_path: Path):
    (tmp_path / "lib.nxlib").write_text(
        'agent Helper { prompt: "p" }\nflow twice(x) { return x >> Helper >> Helper }\n', encoding="utf-8"
    )
    src = 'include "lib.nxlib"\nflow main { r = "q" >> Helper }\n'
    a = analysis_of(src, tmp_path / "main.nx")
    found = references(a, at(src, "Helper"))
    assert sorted(Path(loc.file.path or "").name for loc in found) == ["lib.nxlib"] * 3 + ["main.nx"]


def test_references_from_an_includer_program(tmp_path: Path):
    workspace = Workspace()
    lib_text = 'agent Helper { prompt: "p" }\n'
    (tmp_path / "lib.nxlib").write_text(lib_text, encoding="utf-8")
    root_text = 'include "lib.nxlib"\nflow main { r = "q" >> Helper }\n'
    (tmp_path / "main.nx").write_text(root_text, encoding="utf-8")
    lib = workspace.file(str(tmp_path / "lib.nxlib"))
    root = workspace.file(str(tmp_path / "main.nx"))
    assert lib is not None and root is not None
    a = analyze(workspace, lib)
    alone = references(a, at(lib_text, "Helper"))
    together = references(a, at(lib_text, "Helper"), programs=[workspace.program(root)])
    assert len(alone) == 1 and len(together) == 2


def test_references_of_a_prelude_function():
    src = "flow main { print(len([1]))\n print(len([2])) }\n"
    a = analysis_of(src)
    assert len(references(a, at(src, "len"))) == 2


# ---------------------------------------------------------------------------------- highlights


def test_highlights_mark_bindings_as_writes_and_uses_as_reads():
    src = "flow main { k = 1\n k = k + 1\n print(k) }\n"
    a = analysis_of(src)
    kinds = [(h.span.start, h.kind) for h in document_highlights(a, at(src, "k", 2))]
    assert kinds == [
        (at(src, "k", 0), HighlightKind.WRITE),
        (at(src, "k", 1), HighlightKind.WRITE),
        (at(src, "k", 2), HighlightKind.READ),
        (at(src, "k", 3), HighlightKind.READ),
    ]


def test_highlights_of_a_global_do_not_include_a_shadowing_local():
    src = "x = 1\nflow main { x = 2\n print(x) }\nprint(x)\n"
    a = analysis_of(src)
    assert [h.span.start for h in document_highlights(a, at(src, "x", 0))] == [
        at(src, "x", 0),
        at(src, "x", 3),
    ]


def test_no_highlight_off_names():
    src = "flow main { print(1) }\n"
    assert document_highlights(analysis_of(src), at(src, "{")) == []


# ---------------------------------------------------------------------------------- corpus


def corpus_analyses(corpus_files: list[Path]) -> list[Analysis]:
    workspace = Workspace()
    analyses = []
    for path in corpus_files:
        file = workspace.file(str(path))
        assert file is not None
        analyses.append(analyze(workspace, file))
    return analyses


def test_every_corpus_definition_points_at_the_same_name(corpus_files: list[Path]):
    checked = 0
    for a in corpus_analyses(corpus_files):
        for occurrence in program_occurrences(a.program).in_file(a.file):
            if occurrence.target.denotes is Denotes.FILE:
                continue
            for location in definition(a, occurrence.span.start):
                assert location.file.text_of(location.span) == occurrence.target.name, (
                    a.file.path,
                    occurrence,
                )
                checked += 1
    assert checked > 1000


def test_every_corpus_name_is_among_its_own_references(corpus_files: list[Path]):
    for a in corpus_analyses(corpus_files):
        for occurrence in program_occurrences(a.program).in_file(a.file)[:200]:
            found = references(a, occurrence.span.start)
            assert any(loc.file is a.file and loc.span == occurrence.span for loc in found), occurrence


@pytest.mark.parametrize("name", ["Nexa-Code/main.nx"])
def test_corpus_include_program_defines_across_files(corpus_dir: Path, name: str):
    workspace = Workspace()
    file = workspace.file(str(corpus_dir / name))
    assert file is not None
    a = analyze(workspace, file)
    elsewhere = [
        location
        for occurrence in program_occurrences(a.program).in_file(file)
        for location in definition(a, occurrence.span.start)
        if location.file is not file
    ]
    assert elsewhere, "main.nx uses declarations of its included files"


def test_occurrence_at_prefers_the_name_that_starts_at_the_cursor():
    src = "flow main { a = 1\n b = 2\n print(a+b) }\n"
    a = analysis_of(src)
    occurrence = occurrence_at(a, at(src, "+b", plus=1))
    assert occurrence is not None and occurrence.target.name == "b"


def test_tool_name_in_a_before_tool_hook_goes_to_the_tool():
    text = (
        '@tool("read")\nfn read_note(name: str) -> str { return name }\n'
        'flow main {\n    before_tool(read_note) { print("读") }\n}\n'
    )
    a = analysis_of(text)
    assert defined_at(a, at(text, "read_note", 1)) == [("read_note", at(text, "read_note"))]


STRUCTS = """struct Vec2 { dx: Int, dy: Int }
trait Named { fn label() : String }
impl Named for Vec2 {
    fn label() { return "向量 #{self.dx}" }
}
protocol Report { title: str }
flow norm(v: Vec2, r: Report) -> int { return abs(v.dx) + len(r.title) }
flow main {
    v = Vec2(dx: 1, dy: 2)
    print(v.dx, v.label(), norm(v, {"title": "t"}))
    d = {"dx": 3}
    print(d.dx)
}
"""


def test_struct_field_is_found_through_constructor_locals_typed_parameters_self_and_keywords():
    a = analysis_of(STRUCTS)
    field = at(STRUCTS, "dx")
    uses = [at(STRUCTS, "dx", n) for n in (1, 2, 3, 4)]  # self.dx, v.dx (param), dx: 1, v.dx (local)
    for use in uses:
        assert defined_at(a, use) == [("dx", field)]
    assert [loc.span.start for loc in references(a, field)] == [field, *uses]


def test_a_dict_member_with_a_field_name_is_not_the_struct_field():
    a = analysis_of(STRUCTS)
    assert definition(a, at(STRUCTS, "d.dx", plus=2)) == []


def test_method_called_on_a_struct_value_goes_to_the_impl_method():
    a = analysis_of(STRUCTS)
    assert defined_at(a, at(STRUCTS, "label", 2)) == [("label", at(STRUCTS, "label", 1))]


def test_protocol_field_through_a_typed_parameter_goes_to_the_protocol_field():
    a = analysis_of(STRUCTS)
    assert defined_at(a, at(STRUCTS, "r.title", plus=2)) == [("title", at(STRUCTS, "title"))]


def test_assigning_a_struct_field_through_a_value_is_a_write_highlight():
    text = "struct P { x: int }\nflow main {\n    p = P(x: 1)\n    p.x = 2\n    print(p.x)\n}\n"
    a = analysis_of(text)
    kinds = [(h.span.start, h.kind) for h in document_highlights(a, at(text, "x"))]
    assert kinds == [
        (at(text, "x"), HighlightKind.WRITE),
        (at(text, "x:", 1), HighlightKind.READ),
        (at(text, "p.x", 0, 2), HighlightKind.WRITE),
        (at(text, "p.x", 1, 2), HighlightKind.READ),
    ]


def test_result_field_in_an_ensures_goes_to_the_declared_result_protocol():
    text = (
        "protocol Review { score: int }\n"
        'agent Critic -> Review\n    ensures result.score >= 0\n{\n    prompt: "评审"\n}\n'
        'flow rate() -> Review\n    ensures result.score < 10\n{\n    return Critic.run("x")\n}\n'
    )
    a = analysis_of(text)
    for nth in (1, 2):
        assert defined_at(a, at(text, "score", nth)) == [("score", at(text, "score"))]


REPLIES = """protocol Digest { headline: str }
agent Summarizer implements Digest { prompt: "总结" }
flow main {
    d = Summarizer.run("新闻")
    e = "新闻" >> Summarizer
    f = Summarizer("新闻")
    print(d.headline, e.headline, f.headline)
}
"""


def test_field_of_an_agents_reply_goes_to_the_protocol_it_implements():
    a = analysis_of(REPLIES)
    for nth in (1, 2, 3):
        assert defined_at(a, at(REPLIES, "headline", nth)) == [("headline", at(REPLIES, "headline"))]
