"""An unterminated `/*` is one `unterminated_comment` token up to the end of the file, inside an
ERROR node (grammar decision G15), and editing the comment open or closed re-parses correctly."""

import pytest
import tree_sitter


@pytest.fixture
def parser(nexa: tree_sitter.Language) -> tree_sitter.Parser:
    return tree_sitter.Parser(nexa)


def unterminated(tree: tree_sitter.Tree) -> list[tuple[int, int, str]]:
    """(start byte, end byte, parent type) of every unterminated_comment token."""
    found = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "unterminated_comment":
            found.append((node.start_byte, node.end_byte, node.parent.type if node.parent else ""))
        stack.extend(node.children)
    return found


def test_the_rest_of_the_file_is_one_token_in_an_error(parser: tree_sitter.Parser):
    source = b"flow main { print(1) }\n/* open comment here\nmore text\n"
    tree = parser.parse(source)
    assert unterminated(tree) == [(23, len(source), "ERROR")]
    assert [child.type for child in tree.root_node.children] == ["flow_declaration", "ERROR"]


def test_a_closed_comment_is_a_comment(parser: tree_sitter.Parser):
    tree = parser.parse(b"flow main { print(1) }\n/* closed\n*/\n")
    assert not tree.root_node.has_error
    assert tree.root_node.children[-1].type == "comment"


def edit_and_reparse(parser: tree_sitter.Parser, source: bytes, start: int, old_end: int, new: bytes):
    """The incremental parse of the edited text (from the edited old tree) and its fresh parse."""

    def point(text: bytes, offset: int) -> tuple[int, int]:
        return text.count(b"\n", 0, offset), offset - (text.rfind(b"\n", 0, offset) + 1)

    old_tree = parser.parse(source)
    edited = source[:start] + new + source[old_end:]
    new_end = start + len(new)
    old_tree.edit(
        start, old_end, new_end, point(source, start), point(source, old_end), point(edited, new_end)
    )
    return parser.parse(edited, old_tree), parser.parse(edited)


OPEN = b"flow main { print(1) }\n/* open\nflow g { }\n"
DIVISION = b"flow main { x = 4 / 2 }\nflow g { }\n"
CLOSED = b"flow main { x = 4 /* a */ }\nflow g { }\n"


@pytest.mark.parametrize(
    ("source", "start", "old_end", "new"),
    [
        # Closing the comment at the end of the file, and in the middle of it.
        (OPEN, len(OPEN), len(OPEN), b"*/"),
        (OPEN, OPEN.index(b"flow g"), OPEN.index(b"flow g"), b"*/"),
        # Opening one (typing the `*` after a `/`), and deleting the `/` of a closing `*/`.
        (DIVISION, DIVISION.index(b"/") + 1, DIVISION.index(b"/") + 1, b"*"),
        (CLOSED, CLOSED.index(b"*/") + 1, CLOSED.index(b"*/") + 2, b""),
    ],
)
def test_editing_a_comment_open_or_closed_reparses_like_a_fresh_parse(
    parser: tree_sitter.Parser, source: bytes, start: int, old_end: int, new: bytes
):
    incremental, fresh = edit_and_reparse(parser, source, start, old_end, new)
    assert str(incremental.root_node) == str(fresh.root_node)
    assert unterminated(incremental) == unterminated(fresh)
    # Each edit changes whether the file ends in an unterminated comment.
    assert bool(unterminated(parser.parse(source))) != bool(unterminated(fresh))
