"""Re-parsing after `tree.edit` with the old tree gives the same tree as a fresh parse.

Each corpus program gets a few random one-character edits (insert, delete or replace), seeded by
the file's path so that a failure reproduces. The inserted characters include the ones that change
the tree most: quotes, braces, a newline, an operator, a letter.
"""

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import tree_sitter

EDITS_PER_FILE = 6
INSERTABLE = ['"', "'", "{", "}", "(", ")", "\n", " ", ">", "?", ":", ",", "a", "Z", "7", "#", "/", "你"]


def point_at(source: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter's (row, byte column) of a byte offset."""
    row = source.count(b"\n", 0, offset)
    line_start = source.rfind(b"\n", 0, offset) + 1
    return row, offset - line_start


def char_boundaries(source: bytes) -> list[int]:
    """Byte offsets that start a UTF-8 character, plus the end of the text."""
    return [i for i, byte in enumerate(source) if byte & 0xC0 != 0x80] + [len(source)]


def one_character_edits(source: bytes, seed: str, count: int) -> Iterator[tuple[str, int, int, bytes]]:
    """(kind, start byte, old end byte, new text) for `count` random single-character edits."""
    rng = random.Random(seed)
    boundaries = char_boundaries(source)
    for _ in range(count):
        index = rng.randrange(len(boundaries) - 1)
        start, next_start = boundaries[index], boundaries[index + 1]
        kind = rng.choice(["insert", "delete", "replace"])
        new = b"" if kind == "delete" else rng.choice(INSERTABLE).encode("utf-8")
        old_end = start if kind == "insert" else next_start
        yield kind, start, old_end, new


def edit_and_reparse(
    parser: tree_sitter.Parser, source: bytes, start: int, old_end: int, new: bytes
) -> tuple[bytes, tree_sitter.Tree, tree_sitter.Tree]:
    """The edited text, its incremental parse (from the edited old tree) and its fresh parse."""
    old_tree = parser.parse(source)
    edited = source[:start] + new + source[old_end:]
    new_end = start + len(new)
    old_tree.edit(
        start_byte=start,
        old_end_byte=old_end,
        new_end_byte=new_end,
        start_point=point_at(source, start),
        old_end_point=point_at(source, old_end),
        new_end_point=point_at(edited, new_end),
    )
    return edited, parser.parse(edited, old_tree), parser.parse(edited)


def shape(node: tree_sitter.Node) -> list[tuple[str, int, int, bool]]:
    """Every node in document order with its byte range and whether it is missing."""
    found = []
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            current = cursor.node
            assert current is not None
            found.append((current.type, current.start_byte, current.end_byte, current.is_missing))
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return found


def test_edits_are_reproducible() -> None:
    source = 'flow main {\n    print("你好")\n}\n'.encode()
    assert list(one_character_edits(source, "x", 5)) == list(one_character_edits(source, "x", 5))


def test_edits_keep_utf8_valid() -> None:
    source = 'flow main {\n    print("你好，世界")\n}\n'.encode()
    for _, start, old_end, new in one_character_edits(source, "utf8", 200):
        (source[:start] + new + source[old_end:]).decode("utf-8")


def test_edit_positions_follow_tree_sitter_points(parser: tree_sitter.Parser) -> None:
    source = 'flow main {\n    x = "你好"\n}\n'.encode()
    tree = parser.parse(source)
    start = source.index(b'"')
    string = tree.root_node.named_descendant_for_byte_range(start, start + 1)
    assert string is not None and string.type == "string"
    assert point_at(source, string.start_byte) == (string.start_point.row, string.start_point.column)
    assert point_at(source, string.end_byte) == (string.end_point.row, string.end_point.column)


def test_incremental_reparse_equals_fresh_parse_on_the_corpus(
    corpus_files: list[Path], parser: tree_sitter.Parser, corpus_dir: Path
) -> None:
    mismatches = []
    edits = 0
    for path in corpus_files:
        source = path.read_bytes()
        name = str(path.relative_to(corpus_dir))
        for kind, start, old_end, new in one_character_edits(source, name, EDITS_PER_FILE):
            edits += 1
            edited, incremental, fresh = edit_and_reparse(parser, source, start, old_end, new)
            same_sexp = str(incremental.root_node) == str(fresh.root_node)
            if not same_sexp or shape(incremental.root_node) != shape(fresh.root_node):
                row, column = point_at(source, start)
                mismatches.append(f"{name}:{row + 1}:{column + 1}: {kind} {new!r}")
    assert edits == EDITS_PER_FILE * len(corpus_files)
    assert mismatches == []


def test_an_edit_that_breaks_the_program_matches_too(parser: tree_sitter.Parser) -> None:
    # The near miss of the random edits: one edit known to change the tree a lot (an opening quote
    # that swallows the rest of the line) and one that repairs it again.
    source = b'flow main {\n    x = 1\n    print("done")\n}\n'
    start = source.index(b"1")
    edited, incremental, fresh = edit_and_reparse(parser, source, start, start, b'"')
    assert fresh.root_node.has_error
    assert str(incremental.root_node) == str(fresh.root_node)
    repaired, incremental_again, fresh_again = edit_and_reparse(parser, edited, start, start + 1, b"")
    assert repaired == source
    assert not fresh_again.root_node.has_error
    assert str(incremental_again.root_node) == str(fresh_again.root_node)


def test_shape_sees_ranges_the_sexp_does_not(parse: Callable[[str], tree_sitter.Tree]) -> None:
    # Two trees with the same S-expression but different ranges are told apart.
    one, two = parse("flow a { x = 1 }"), parse("flow a {  x = 1 }")
    assert str(one.root_node) == str(two.root_node)
    assert shape(one.root_node) != shape(two.root_node)
