"""Rename (nexa_lang.rename): prepare, refusals, new-name validation and edits across included files;
round trips over the upstream corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.occurrences import Denotes, Role, program_occurrences
from nexa_lang.rename import FileEdits, RenameRefused, prepare_rename, rename, validate_new_name
from nexa_lang.scopes import Resolution


def analysis_of(text: str, path: Path | None = None, workspace: Workspace | None = None) -> Analysis:
    workspace = workspace or Workspace()
    file = workspace.set_text(str(path), text) if path else SourceFile.from_text(text)
    return analyze(workspace, file)


def at(text: str, needle: str, nth: int = 0, plus: int = 0) -> int:
    data, wanted = text.encode(), needle.encode()
    offset = -1
    for _ in range(nth + 1):
        offset = data.index(wanted, offset + 1)
    return offset + plus


def apply(file: SourceFile, edits: list[FileEdits]) -> str:
    """The text of `file` after the edits meant for it."""
    data = file.source
    for file_edits in edits:
        if file_edits.file is not file:
            continue
        for edit in sorted(file_edits.edits, key=lambda e: e.span, reverse=True):
            data = data[: edit.span.start] + edit.new_text.encode() + data[edit.span.end :]
    return data.decode()


def renamed(text: str, needle: str, new_name: str, nth: int = 0) -> str:
    a = analysis_of(text)
    return apply(a.file, rename(a, at(text, needle, nth), new_name))


# ---------------------------------------------------------------------------------- edits


def test_rename_a_local_shadowing_a_global_renames_only_the_local():
    src = 'x = 1\nflow main { x = "本地"\n print(x) }\nflow other { print(x) }\n'
    assert (
        renamed(src, "x", "y", nth=2)
        == 'x = 1\nflow main { y = "本地"\n print(y) }\nflow other { print(x) }\n'
    )


def test_rename_a_global_leaves_the_shadowing_local_alone():
    src = 'x = 1\nflow main { x = "本地"\n print(x) }\nflow other { print(x) }\n'
    assert (
        renamed(src, "x", "g", nth=0)
        == 'g = 1\nflow main { x = "本地"\n print(x) }\nflow other { print(g) }\n'
    )


def test_rename_an_agent_everywhere_it_is_named():
    src = 'agent Writer { prompt: "写" }\nflow main { r = "题" >> Writer\n s = Writer.run("x") }\n'
    expected = 'agent Author { prompt: "写" }\nflow main { r = "题" >> Author\n s = Author.run("x") }\n'
    assert renamed(src, "Writer", "Author", nth=1) == expected


def test_rename_inside_an_interpolation_renames_the_variable():
    src = 'flow main { 名 = 1; who = "a"\n print("你好 #{who}!") }\n'
    assert renamed(src, "who", "name", nth=1) == 'flow main { 名 = 1; name = "a"\n print("你好 #{name}!") }\n'


def test_rename_a_parameter_renames_keyword_arguments_at_call_sites():
    src = "flow add(left, right) { return left + right }\nflow main { print(add(left = 1, right = 2)) }\n"
    expected = "flow add(a, right) { return a + right }\nflow main { print(add(a = 1, right = 2)) }\n"
    assert renamed(src, "left", "a") == expected


def test_rename_an_agent_member_function_through_self_and_the_agent():
    src = 'agent A { prompt: "p"\n fn h() { return 1 }\n flow go() { return self.h() + h() } }\nx = A.h()\n'
    expected = (
        'agent A { prompt: "p"\n fn k() { return 1 }\n flow go() { return self.k() + k() } }\nx = A.k()\n'
    )
    assert renamed(src, "h()", "k", nth=2) == expected


def test_rename_an_enum_variant_in_expressions_and_patterns():
    src = "enum E { On, Off }\nflow main { v = E::On\n match v { E::On => print(1), _ => print(0) } }\n"
    expected = "enum E { Up, Off }\nflow main { v = E::Up\n match v { E::Up => print(1), _ => print(0) } }\n"
    assert renamed(src, "On", "Up", nth=1) == expected


def test_rename_a_protocol_renames_implements_and_types():
    src = 'protocol R { t: "string" }\nagent A implements R { prompt: "p" }\nflow f(x: R) -> R { return x }\n'
    expected = (
        'protocol Q { t: "string" }\nagent A implements Q { prompt: "p" }\nflow f(x: Q) -> Q { return x }\n'
    )
    assert renamed(src, "R", "Q") == expected


def test_rename_a_map_pattern_shorthand_keeps_the_key():
    src = 'flow main { let {name} = {"name": "x"}\n print(name) }\n'
    assert renamed(src, "name", "who") == 'flow main { let {name: who} = {"name": "x"}\n print(who) }\n'


def test_rename_across_included_files(tmp_path: Path):
    (tmp_path / "lib.nxlib").write_text('// 库\nagent Helper { prompt: "p" }\n', encoding="utf-8")
    src = 'include "lib.nxlib"\nflow main { r = "q" >> Helper }\n'
    a = analysis_of(src, tmp_path / "main.nx")
    edits = rename(a, at(src, "Helper"), "Aide")
    by_name = {Path(e.file.path or "").name: apply(e.file, edits) for e in edits}
    assert by_name == {
        "lib.nxlib": '// 库\nagent Aide { prompt: "p" }\n',
        "main.nx": 'include "lib.nxlib"\nflow main { r = "q" >> Aide }\n',
    }


def test_rename_to_the_same_name_changes_nothing():
    src = "flow main { v = 1\n print(v) }\n"
    a = analysis_of(src)
    assert rename(a, at(src, "v"), "v") == []


# ---------------------------------------------------------------------------------- prepare and refusals


def test_prepare_rename_gives_the_name_span_and_placeholder():
    src = 'flow main { 值 = 1; count = 2\n print("#{count}") }\n'
    a = analysis_of(src)
    prepared = prepare_rename(a, at(src, "count", 1, plus=2))
    assert prepared.placeholder == "count" and a.file.text_of(prepared.span) == "count"
    assert prepared.span.start == at(src, "count", 1)


@pytest.mark.parametrize(
    ("needle", "reason"),
    [
        ("flow", "keyword"),
        ("print", "keyword"),
        ("len", "built-in"),
        ("fs", "standard library"),
        ("ghost", "not declared"),
        ("prompt", "property key"),
        ("plain", "no name"),
        ("self", "provided by the language"),
    ],
)
def test_prepare_rename_refuses(needle: str, reason: str):
    src = (
        'agent A uses std.fs { prompt: "p"\n flow go() { return self.run("x") } }\n'
        'flow main { print(len("plain text"))\n print(ghost) }\n'
    )
    with pytest.raises(RenameRefused) as refused:
        prepare_rename(analysis_of(src), at(src, needle, plus=1))
    assert reason in refused.value.message


def test_rename_refuses_a_string_that_is_not_an_interpolation():
    src = 'flow main { who = 1\n print("who #{who}") }\n'
    a = analysis_of(src)
    with pytest.raises(RenameRefused):
        rename(a, at(src, "who", 1), "x")
    assert rename(a, at(src, "who", 2), "x")


@pytest.mark.parametrize(
    ("name", "problem"),
    [("if", "reserved"), ("agent", "reserved"), ("1x", "not an identifier"), ("名字", "not an identifier"),
     ("a-b", "not an identifier"), ("_", "wildcard"), ("", "not an identifier")],
)  # fmt: skip
def test_new_name_validation_refuses(name: str, problem: str):
    message = validate_new_name(name)
    assert message is not None and problem in message


@pytest.mark.parametrize("name", ["x", "_tmp", "Writer2", "type", "test", "route"])
def test_new_name_validation_accepts_identifiers_and_contextual_keywords(name: str):
    assert validate_new_name(name) is None


def test_rename_refuses_a_new_name_that_is_already_declared():
    src = 'agent A { prompt: "p" }\nagent B { prompt: "q" }\n'
    with pytest.raises(RenameRefused, match="already declared"):
        rename(analysis_of(src), at(src, "A"), "B")


def test_rename_refuses_a_new_name_that_is_already_a_local():
    src = "flow main { a = 1\n b = 2\n print(a + b) }\n"
    with pytest.raises(RenameRefused, match="already a local"):
        rename(analysis_of(src), at(src, "a ="), "b")


def test_rename_refuses_a_reserved_new_name():
    src = "flow main { a = 1\n print(a) }\n"
    with pytest.raises(RenameRefused, match="reserved"):
        rename(analysis_of(src), at(src, "a ="), "while")


# ---------------------------------------------------------------------------------- corpus round trips


def test_corpus_renames_keep_every_name_resolved(corpus_files: list[Path]):
    """Rename each local and global declared in a corpus file to a fresh name: the program resolves
    exactly as before, with the new name in place of the old."""
    checked = 0
    for path in corpus_files:
        workspace = Workspace()
        file = workspace.file(str(path))
        assert file is not None
        a = analyze(workspace, file)
        before = _resolutions(a)
        declared = [
            o
            for o in program_occurrences(a.program).in_file(file)
            if o.role is Role.DECLARATION and o.target.denotes in (Denotes.LOCAL, Denotes.GLOBAL)
        ]
        for occurrence in declared[:6]:
            try:
                edits = rename(a, occurrence.span.start, "zz_renamed")
            except RenameRefused:
                continue
            if any(e.file is not file for e in edits):
                continue  # a name shared with an included file: covered by the include tests
            again = analyze(Workspace(), SourceFile.from_text(apply(file, edits), str(path)))
            after = _resolutions(again)
            old = occurrence.target.name
            assert sorted((old if n == "zz_renamed" else n, r) for n, r in after) == sorted(
                (n, r) for n, r in before
            ), (path, old)
            checked += 1
    assert checked > 100


def _resolutions(a: Analysis) -> list[tuple[str, Resolution]]:
    return [(r.name, r.resolution) for r in a.references]


def test_rename_a_tool_renames_the_before_and_after_tool_hooks():
    text = (
        '@tool("read")\nfn read_note(name: str) -> str { return name }\n'
        'flow main {\n    before_tool(read_note) { print("读") }\n'
        '    after_tool(read_note) { print("完") }\n}\n'
    )
    assert renamed(text, "read_note", "load_note") == text.replace("read_note", "load_note")


def test_rename_an_agent_let_member_renames_its_uses_inside_interpolations():
    text = (
        'agent Writer {\n    prompt: "w"\n    let tone = "calm"\n}\n'
        'flow main { print("语气 #{Writer.tone} / #{ Writer.tone }") }\n'
    )
    assert renamed(text, "tone", "mood") == text.replace("tone", "mood")


FIELDS = """struct Vec2 { dx: Int, dy: Int }
impl Named for Vec2 { fn label() { return "向量 #{self.dx}" } }
flow norm(v: Vec2) -> int { return v.dx }
flow main {
    v = Vec2(dx: 1, dy: 2)
    print(v.dx, norm(v))
}
"""


def test_rename_a_struct_field_renames_typed_accesses_keywords_and_interpolations():
    assert renamed(FIELDS, "dx", "width") == FIELDS.replace("dx", "width")


def test_rename_a_struct_field_is_refused_when_some_access_has_an_unknown_receiver():
    text = FIELDS + "flow other(thing) { return thing.dx }\n"
    a = analysis_of(text)
    with pytest.raises(RenameRefused, match=r"'dx' is also used through 1 value\(s\).*line 8"):
        rename(a, at(text, "dx"), "width")


def test_rename_a_struct_field_to_another_field_is_refused():
    a = analysis_of(FIELDS)
    with pytest.raises(RenameRefused, match="'dy' is already a field of Vec2"):
        rename(a, at(FIELDS, "dx"), "dy")


def test_rename_an_impl_method_is_refused_with_the_reason():
    a = analysis_of(FIELDS)
    with pytest.raises(RenameRefused, match="trait or impl method"):
        prepare_rename(a, at(FIELDS, "label"))


def test_rename_a_built_in_agent_member_is_refused_with_the_reason():
    text = 'agent W { prompt: "p" }\nflow main { print(W.run("写")) }\n'
    with pytest.raises(RenameRefused, match="'run' is a built-in member"):
        prepare_rename(analysis_of(text), at(text, "run"))


def test_rename_a_member_of_an_untyped_value_is_refused_with_the_reason():
    text = "flow main(thing) { print(thing.colour) }\n"
    with pytest.raises(RenameRefused, match="type is not known statically"):
        prepare_rename(analysis_of(text), at(text, "colour"))
