"""Semantic tokens (nexa_lang.semantic_tokens): types, modifiers, range requests and deltas."""

from __future__ import annotations

from pathlib import Path

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.keywords import RESERVED
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.positions import Span
from nexa_lang.semantic_tokens import (
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    SemanticToken,
    TokenModifier,
    TokenType,
    semantic_tokens,
    token_edits,
)

D = TokenModifier.DECLARATION
R = TokenModifier.READONLY
L = TokenModifier.DEFAULT_LIBRARY
G = TokenModifier.GLOBAL


def analysis_of(text: str) -> Analysis:
    return analyze(Workspace(), SourceFile.from_text(text))


def described(text: str) -> list[tuple[str, str, set[str]]]:
    a = analysis_of(text)
    return [
        (a.file.text_of(t.span), t.type.value, {m.value for m in t.modifiers}) for t in semantic_tokens(a)
    ]


def test_agent_flow_parameter_and_local_tokens():
    src = 'agent Writer { prompt: "写" }\nflow main(topic) { s = "结果"; r = topic >> Writer\n print(r) }\n'
    assert described(src) == [
        ("Writer", "class", {"declaration"}),
        ("prompt", "property", {"declaration"}),
        ("main", "function", {"declaration"}),
        ("topic", "parameter", {"declaration"}),
        ("s", "variable", {"declaration"}),
        ("r", "variable", {"declaration"}),
        ("topic", "parameter", set()),
        ("Writer", "class", set()),
        ("r", "variable", set()),
    ]


def test_global_variables_are_global_and_readonly_inside_bodies():
    src = "limit = 3\nflow main { print(limit) }\nprint(limit)\n"
    tokens = described(src)
    assert tokens[0] == ("limit", "variable", {"declaration", "global"})
    assert ("limit", "variable", {"global", "readonly"}) in tokens
    assert tokens[-1] == ("limit", "variable", {"global"})


def test_prelude_and_std_names_are_default_library():
    src = 'agent A uses std.fs { prompt: "p" }\nflow main { x = len([1])\n y = std.time.time_now() }\n'
    tokens = described(src)
    assert ("std", "namespace", {"defaultLibrary"}) in tokens
    assert ("fs", "namespace", {"defaultLibrary"}) in tokens
    assert ("len", "function", {"defaultLibrary"}) in tokens
    assert ("time", "namespace", {"defaultLibrary"}) in tokens
    assert ("time_now", "function", {"defaultLibrary"}) in tokens


def test_enums_protocols_types_and_members():
    src = (
        'protocol P { t: "string" }\nenum E { On, Off }\nstruct S { v: int }\n'
        'agent A implements P { prompt: "p"\n fn h() { return E::On } }\nflow f(s: S) -> P { return A.h() }\n'
    )
    tokens = described(src)
    assert ("P", "interface", {"declaration"}) in tokens and ("P", "interface", set()) in tokens
    assert ("On", "enumMember", {"declaration", "readonly"}) in tokens
    assert ("On", "enumMember", {"readonly"}) in tokens
    assert ("E", "enum", set()) in tokens
    assert ("S", "struct", set()) in tokens
    assert ("int", "type", {"defaultLibrary"}) in tokens
    assert ("h", "method", set()) in tokens


def test_unresolved_names_and_keywords_get_no_token():
    tokens = described("flow main { print(ghost) }\n")
    assert [t[0] for t in tokens] == ["main"]


def test_range_request_returns_only_overlapping_tokens():
    src = "flow a { x = 1 }\nflow b { y = 2 }\n"
    a = analysis_of(src)
    second_line = Span(src.index("flow b"), len(src))
    assert [a.file.text_of(t.span) for t in semantic_tokens(a, second_line)] == ["b", "y"]


def test_token_indexes_follow_the_legend():
    token = SemanticToken(Span(0, 1), TokenType.PARAMETER, frozenset({D, L}))
    assert TOKEN_TYPES[token.type_index] == "parameter"
    assert token.modifier_bits == (1 << TOKEN_MODIFIERS.index("declaration")) | (
        1 << TOKEN_MODIFIERS.index("defaultLibrary")
    )


def test_corpus_tokens_are_sorted_disjoint_single_line_names(corpus_files: list[Path]):
    workspace = Workspace()
    count = 0
    for path in corpus_files:
        file = workspace.file(str(path))
        assert file is not None
        tokens = semantic_tokens(analyze(workspace, file))
        for before, after in zip(tokens, tokens[1:], strict=False):
            assert before.span.end <= after.span.start, path
        for token in tokens:
            text = file.text_of(token.span)
            assert text and "\n" not in text, (path, text)
            assert text not in RESERVED or token.type is TokenType.PROPERTY, (path, text)  # keys may be words
        count += len(tokens)
    assert count > 3000


# ---------------------------------------------------------------------------------- deltas


def apply_edits(previous: list[int], current: list[int]) -> list[int]:
    result = list(previous)
    for edit in sorted(token_edits(previous, current), key=lambda e: e.start, reverse=True):
        result[edit.start : edit.start + edit.delete_count] = edit.data
    return result


def test_delta_of_equal_arrays_is_empty():
    assert token_edits([0, 1, 2, 3, 0], [0, 1, 2, 3, 0]) == []


def test_delta_replaces_only_the_changed_middle_token():
    previous = [0, 0, 4, 1, 0, 1, 2, 3, 2, 0, 1, 0, 5, 3, 0]
    current = [0, 0, 4, 1, 0, 1, 2, 7, 2, 0, 1, 0, 5, 3, 0]
    [edit] = token_edits(previous, current)
    assert (edit.start, edit.delete_count, edit.data) == (5, 5, [1, 2, 7, 2, 0])
    assert apply_edits(previous, current) == current


def test_delta_handles_inserted_and_removed_tokens():
    base = [0, 0, 4, 1, 0, 1, 2, 3, 2, 0]
    grown = [0, 0, 4, 1, 0, 0, 6, 1, 9, 0, 1, 2, 3, 2, 0]
    for previous, current in [(base, grown), (grown, base), ([], base), (base, [])]:
        assert apply_edits(previous, current) == current


def test_built_in_error_kinds_in_catch_clauses_are_types_and_free_kinds_get_no_token():
    text = (
        'flow main {\n    on_error(e: AgentError) { print("x") }\n'
        '    try { raise Mine("m") } catch (Mine e) { print(e) }\n'
        '    try { raise "m" } catch (Error e) { print(e) }\n}\n'
    )
    kinds = [(name, kind) for name, kind, _ in described(text) if name in ("AgentError", "Error", "Mine")]
    assert kinds == [("AgentError", "type"), ("Error", "type")]


def test_std_import_paths_and_members_through_an_alias_are_default_library():
    text = 'import std.text as txt\nflow main { print(txt.text_upper("a")) }\n'
    found = {(name, kind) for name, kind, mods in described(text) if "defaultLibrary" in mods}
    assert {("std", "namespace"), ("text", "namespace"), ("text_upper", "function")} <= found


def test_parameters_of_a_trait_method_signature_are_parameter_declarations():
    text = "trait Vol {\n    fn volume(level: int): int\n}\n"
    assert ("level", "parameter", {"declaration"}) in described(text)


def test_built_in_error_kind_raised_with_a_message_is_a_type():
    text = 'flow main {\n    try { raise ToolError("坏了") } catch (e) { print(e) }\n}\n'
    assert ("ToolError", "type", {"defaultLibrary"}) in described(text)
