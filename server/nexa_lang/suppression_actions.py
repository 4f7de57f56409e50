"""Suppression quick fixes: "Ignore CODE on this line" and "Ignore CODE in this file", written as
the comments of diagnostics.md §13 and read back by `suppressions.py` (its parser finds the
comments to extend, so both sides agree on what a suppression is).

    x = 1  // nexa: ignore[W001]          the line form, or CODE added to the line's list
    // nexa: ignore-next-line[W001]       the line form when a trailing comment cannot be written
    // nexa: ignore-file[W001]            the file form, at the top (after a BOM or a `#!` line)

A trailing comment is impossible when the end of the line lies inside a multi-line string or block
comment, or after a `//` comment (the new text would be part of it). Then `ignore-next-line` goes
above the line when the line itself starts outside such a token; a diagnostic on an inner line of a
multi-line string gets only the file form (no comment can name that line; checker-decisions.md).
E008 and M001 are never offered: E008 cannot be suppressed, and M001 is reported after the
suppressions are applied, so no comment hides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from nexa_lang.code_actions import QUICK_FIX, CodeAction
from nexa_lang.codes import CODES, SYNTAX_ERROR, UNUSED_SUPPRESSION
from nexa_lang.diagnostics import Diagnostic, Edit
from nexa_lang.model import SourceFile
from nexa_lang.positions import LineIndex, Span
from nexa_lang.suppressions import Scope, Suppression, suppressions_of_tree


def can_suppress(code: str) -> bool:
    """Whether a suppression comment can hide `code` (§13: static codes only, never E008)."""
    info = CODES.get(code)
    return info is not None and info.is_static and code not in (SYNTAX_ERROR, UNUSED_SUPPRESSION)


def in_context(
    diagnostics: Iterable[Diagnostic], span: Span, context: Sequence[tuple[str, Span]]
) -> list[Diagnostic]:
    """The diagnostics a request asks about: those matching one of the client's `context`
    diagnostics (same code, overlapping range: the client moves its copies through edits as we
    do, but not necessarily to the same byte), or, when the context is empty (Neovim's cursor
    request), those overlapping `span`."""
    if not context:
        return [d for d in diagnostics if _overlap(d.span, span)]
    return [d for d in diagnostics if any(code == d.code and _overlap(d.span, s) for code, s in context)]


def _overlap(a: Span, b: Span) -> bool:
    return a.start <= b.end and b.start <= a.end


def suppression_actions(file: SourceFile, diagnostics: Iterable[Diagnostic]) -> list[CodeAction]:
    """For each suppressible diagnostic of `file`: ignore it on its line (when a comment can name
    the line), then in the whole file. Never preferred: the rule's own fix stays the first choice."""
    index = file.lines
    existing = suppressions_of_tree(file.tree, index)
    actions: list[CodeAction] = []
    seen: set[tuple[str, tuple[Edit, ...]]] = set()
    for diagnostic in diagnostics:
        if (diagnostic.path is not None and diagnostic.path != file.path) or not can_suppress(
            diagnostic.code
        ):
            continue
        code = diagnostic.code
        candidates = [
            (
                f"Ignore {code} on this line",
                _line_edit(file, existing, code, index.line_of(diagnostic.span.start)),
            ),
            (f"Ignore {code} in this file", _file_edit(index, existing, code)),
        ]
        for title, edit in candidates:
            if edit is not None and (title, (edit,)) not in seen:
                seen.add((title, (edit,)))
                actions.append(CodeAction(title, (edit,), (diagnostic,), QUICK_FIX, False, diagnostic.path))
    return actions


def _line_edit(file: SourceFile, existing: Sequence[Suppression], code: str, line: int) -> Edit | None:
    index = file.lines
    for scope in (Scope.LINE, Scope.NEXT_LINE):  # a list that already names this line grows
        for suppression in existing:
            if suppression.scope is scope and suppression.line == line and _extendable(suppression):
                return _append_code(suppression, code)
    start, end = index.line_start(line), index.line_end(line)
    content_end = start + len(index.data[start:end].rstrip())
    root = file.tree.root_node
    if _token_holding(root, end) is None and not _ends_in_line_comment(root, index.data, content_end):
        return Edit(content_end, end, f"  // nexa: ignore[{code}]")
    if _token_holding(root, start) is None:
        line_bytes = index.data[start:end]
        indent = line_bytes[: len(line_bytes) - len(line_bytes.lstrip())].decode("utf-8", "replace")
        return Edit(start, start, f"{indent}// nexa: ignore-next-line[{code}]{_newline(index, line)}")
    return None  # an inner line of a multi-line string: only the file form can name it


def _file_edit(index: LineIndex, existing: Sequence[Suppression], code: str) -> Edit:
    for suppression in existing:
        if suppression.scope is Scope.FILE and _extendable(suppression):
            return _append_code(suppression, code)
    offset = index.line_start(0)  # after a BOM
    text = f"// nexa: ignore-file[{code}]{_newline(index, 0)}"
    if index.data[offset:].startswith(b"#!"):
        if index.line_count == 1:
            return Edit(len(index.data), len(index.data), f"{_newline(index, 0)}{text.rstrip()}")
        offset = index.line_start(1)
    return Edit(offset, offset, text)


def _extendable(suppression: Suppression) -> bool:
    # A list-less suppression already covers every code; a misplaced one covers none.
    return bool(suppression.entries) and not suppression.misplaced


def _append_code(suppression: Suppression, code: str) -> Edit:
    end = suppression.entries[-1].span.end
    return Edit(end, end, f", {code}")


def _newline(index: LineIndex, line: int) -> str:
    """The line terminator of `line`, else the file's first one, else LF."""
    if line + 1 < index.line_count:
        return index.data[index.line_end(line) : index.line_start(line + 1)].decode()
    if index.line_count > 1:
        return index.data[index.line_end(0) : index.line_start(1)].decode()
    return "\n"


def _is_token(node: Any) -> bool:
    """Strings and comments: text that a `//` written inside would belong to."""
    return "comment" in node.type or "string" in node.type


def _token_holding(root: Any, offset: int) -> Any | None:
    """The string or comment that holds `offset` strictly inside (so it spans a line break when
    `offset` is a line's start or end)."""
    node = root.descendant_for_byte_range(offset, offset)
    while node is not None:
        if _is_token(node) and node.start_byte < offset < node.end_byte:
            return node
        node = node.parent
    return None


def _ends_in_line_comment(root: Any, data: bytes, offset: int) -> bool:
    """Whether a `//` comment runs up to `offset` (the end of a line's text)."""
    if offset == 0:
        return False
    node = root.descendant_for_byte_range(offset - 1, offset)
    while node is not None:
        if "comment" in node.type and node.start_byte < offset <= node.end_byte:
            return data.startswith(b"//", node.start_byte)
        node = node.parent
    return False
