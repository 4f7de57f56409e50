"""Folding ranges (nexa_lang.folding) and selection ranges (nexa_lang.selection_ranges)."""

from __future__ import annotations

from pathlib import Path

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.folding import FoldingKind, folding_ranges
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.selection_ranges import selection_range, selection_ranges

SOURCE = '''/* 多行
   注释 */
include "a.nxlib"
include "b.nxlib"
// one
// two
agent Writer {
    prompt: """
    写一篇文章
    """
}
flow main {
    items = [
        1,
        2,
    ]
    if true {
        print(items)
    }
}
'''


def folds(text: str) -> list[tuple[int, int, FoldingKind | None]]:
    file = SourceFile.from_text(text)
    return [(file.line_of(f.span.start), file.line_of(f.span.end), f.kind) for f in folding_ranges(file)]


def test_folds_declarations_blocks_strings_comments_and_includes():
    assert folds(SOURCE) == [
        (0, 1, FoldingKind.COMMENT),
        (2, 3, FoldingKind.IMPORTS),
        (4, 5, FoldingKind.COMMENT),
        (6, 10, None),  # agent Writer
        (7, 9, None),  # the triple-quoted prompt
        (11, 19, None),  # flow main (its block ends on the same lines)
        (12, 15, None),  # the list literal
        (16, 18, None),  # if block
    ]


def test_single_line_constructs_do_not_fold():
    assert folds('agent A { prompt: "p" }\nflow main { print(1) }\n') == []


def test_a_trailing_comment_does_not_join_a_run_of_line_comments():
    text = "x = 1 // trailing\n// alone\nflow main {\n print(x)\n}\n"
    assert [f for f in folds(text) if f[2] is FoldingKind.COMMENT] == []


def test_corpus_folds_span_lines_and_are_unique(corpus_files: list[Path]):
    for path in corpus_files:
        file = SourceFile.from_text(path.read_bytes(), str(path))
        seen = set()
        for fold in folding_ranges(file):
            lines = (file.line_of(fold.span.start), file.line_of(fold.span.end - 1))
            assert lines[0] < lines[1] and lines not in seen, path
            seen.add(lines)


# ---------------------------------------------------------------------------------- selection ranges


def analysis_of(text: str) -> Analysis:
    return analyze(Workspace(), SourceFile.from_text(text))


def test_selection_expands_from_the_name_to_the_declaration():
    src = 'flow main {\n    if true {\n        print(len("题目"))\n    }\n}\n'
    a = analysis_of(src)
    chain = [a.file.text_of(s) for s in selection_range(a, src.encode().index(b"len") + 1)]
    assert chain[0] == "len"
    assert 'len("题目")' in chain
    assert chain.index('len("题目")') < chain.index('print(len("题目"))')
    assert chain[-2].startswith("flow main") and chain[-1] == src
    assert any(text.startswith("{\n        print") for text in chain)  # the if block


def test_selection_spans_grow_strictly():
    src = 'agent A { prompt: "p" }\nflow main { r = "q" >> A }\n'
    a = analysis_of(src)
    for offset in range(len(src.encode()) + 1):
        chain = selection_range(a, offset)
        for inner, outer in zip(chain, chain[1:], strict=False):
            assert outer.contains(inner) and outer != inner, offset


def test_selection_starts_at_a_name_inside_an_interpolation():
    src = 'flow main { who = 1\n print("你好 #{who}") }\n'
    a = analysis_of(src)
    chain = selection_range(a, src.encode().index(b"#{who}") + 3)
    assert a.file.text_of(chain[0]) == "who"


def test_selection_from_the_end_of_a_name_picks_the_name():
    src = "flow main { value = 1 }\n"
    a = analysis_of(src)
    [chain] = selection_ranges(a, [src.encode().index(b"value") + 5])
    assert a.file.text_of(chain[0]) == "value"
