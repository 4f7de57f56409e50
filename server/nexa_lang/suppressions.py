"""Suppression comments (diagnostics.md §13) and M001 unused-suppression.

    x = 1  // nexa: ignore[W001, G002]        codes on this line
    x = 1  // nexa: ignore                    every static code on this line
    // nexa: ignore-next-line[E001]           codes on the next line that has code
    // nexa: ignore-file[W005]                codes in the whole file (`ignore-file`: every code)

Comments come from the syntax tree (`comments_of_tree`), so a `// nexa:` inside a string is text,
never a suppression. The rest works on plain `Comment` records and is testable without a grammar.
E008 can never be suppressed; naming it, naming an unknown code, or suppressing nothing is M001.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from nexa_lang.codes import CODES, SYNTAX_ERROR, UNUSED_SUPPRESSION, lookup
from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Safety
from nexa_lang.positions import LineIndex, Span


class Comment(NamedTuple):
    text: str  # the comment's source text, markers included (`// …` or `/* … */`)
    start: int  # byte offset of its first character
    line: int  # 0-based line of `start` (from LineIndex, not tree-sitter's LF-only rows)

    @property
    def span(self) -> Span:
        return Span(self.start, self.start + len(self.text.encode("utf-8")))


class Scope(str, Enum):
    LINE = "ignore"
    NEXT_LINE = "ignore-next-line"
    FILE = "ignore-file"


@dataclass(frozen=True, slots=True)
class NamedCode:
    """One entry of a suppression's list, as written and as resolved."""

    written: str
    span: Span  # of the entry inside the comment
    code: str | None  # None: no such code or rule name


@dataclass
class Suppression:
    scope: Scope
    comment: Comment
    directive: Span  # `nexa: ignore…[…]`, the range of M001 for a list-less suppression
    entries: tuple[NamedCode, ...]  # empty: every static code
    line: int | None  # the covered line (LINE, NEXT_LINE); None when NEXT_LINE has no next line
    used: set[str] = field(default_factory=set)  # codes that suppressed at least one diagnostic
    # `ignore-next-line` and `ignore-file` must be alone on their line (§13); written after code
    # they suppress nothing, so their codes are M001 and the user sees the mistake.
    misplaced: bool = False

    @property
    def covers_everything(self) -> bool:
        return not self.entries

    def covers(self, diagnostic: Diagnostic, line: int) -> bool:
        if self.misplaced or diagnostic.code == SYNTAX_ERROR or not _is_suppressible(diagnostic.code):
            return False
        if self.scope is not Scope.FILE and line != self.line:
            return False
        return self.covers_everything or any(e.code == diagnostic.code for e in self.entries)


def _is_suppressible(code: str) -> bool:
    info = CODES.get(code)
    return info is not None and info.is_static


# `nexa:` in lower case and one space, then the directive and an optional list (§13).
_DIRECTIVE = re.compile(r"nexa: (ignore-next-line|ignore-file|ignore)(?:\[([^\]\n]*)\])?(?![\w\[-])")
# Text every suppression contains: a file without it has none (`suppressions_of_tree`).
_DIRECTIVE_TEXT = b"nexa: ignore"


def parse_suppression(comment: Comment, index: LineIndex, comments: Sequence[Comment]) -> Suppression | None:
    """The suppression written in `comment`, or None for an ordinary comment."""
    body_start = 2  # after `//` or `/*`
    body = comment.text[body_start:]
    if comment.text.startswith("/*"):
        body = body.removesuffix("*/")
    stripped = body.lstrip()
    match = _DIRECTIVE.match(stripped)
    if match is None:
        return None
    # Byte offsets inside the comment (its text may hold CJK before or after the directive).
    text_offset = body_start + (len(body) - len(stripped))

    def at(char_index: int) -> int:
        return comment.start + len(comment.text[: text_offset + char_index].encode("utf-8"))

    scope = Scope(match.group(1))
    entries: list[NamedCode] = []
    if match.group(2) is not None:
        list_start = match.start(2)
        for item in re.finditer(r"[^,\s][^,]*", match.group(2)):
            written = item.group().rstrip()
            start = at(list_start + item.start())
            info = lookup(written)
            entries.append(
                NamedCode(written, Span(start, start + len(written.encode())), info.code if info else None)
            )
    return Suppression(
        scope=scope,
        comment=comment,
        directive=Span(at(match.start()), at(match.end())),
        entries=tuple(entries),
        line=_covered_line(scope, comment, index, comments),
        misplaced=scope is not Scope.LINE and not _alone_on_its_line(comment, index),
    )


def _alone_on_its_line(comment: Comment, index: LineIndex) -> bool:
    span = comment.span
    line_start = index.line_start(index.line_of(span.start))
    line_end = index.line_end(index.line_of(span.end))
    return not index.data[line_start : span.start].strip() and not index.data[span.end : line_end].strip()


def _covered_line(
    scope: Scope, comment: Comment, index: LineIndex, comments: Sequence[Comment]
) -> int | None:
    if scope is Scope.FILE:
        return None
    if scope is Scope.LINE:
        return comment.line
    # The next line that is neither blank nor only comments (a block comment may span lines).
    spans = sorted(c.span for c in comments)
    line = index.line_of(comment.span.end) + 1
    while line < index.line_count:
        if _has_code(index, line, spans):
            return line
        line += 1
    return None


def _has_code(index: LineIndex, line: int, comment_spans: Sequence[Span]) -> bool:
    start, end = index.line_start(line), index.line_end(line)
    position = start
    i = bisect_left(comment_spans, Span(start, start))
    if i > 0 and comment_spans[i - 1].end > start:
        i -= 1  # a block comment that began on an earlier line
    while position < end:
        while i < len(comment_spans) and comment_spans[i].end <= position:
            i += 1
        next_comment = comment_spans[i].start if i < len(comment_spans) else end
        if next_comment > position:
            if index.data[position : min(next_comment, end)].strip():
                return True
            position = next_comment
        else:
            position = comment_spans[i].end
    return False


def parse_suppressions(
    comments: Iterable[Comment | tuple[str, int, int]], index: LineIndex
) -> list[Suppression]:
    records = [c if isinstance(c, Comment) else Comment(*c) for c in comments]
    found = (parse_suppression(c, index, records) for c in records)
    return [s for s in found if s is not None]


def apply_suppressions(
    diagnostics: Iterable[Diagnostic],
    suppressions: Sequence[Suppression],
    index: LineIndex,
    *,
    path: str | None = None,
    is_enabled: Callable[[str], bool] = lambda code: True,
    judge_blanket: bool = True,
) -> list[Diagnostic]:
    """The diagnostics no suppression covers, followed by M001 for suppressions that did nothing.

    `is_enabled(code)` says whether `code` was checked for this file: enabled by the configuration
    and its rule ran. A suppression of any other code is not M001, since the code could not fire
    (and removing the suppression would be wrong once it can). `judge_blanket` says the same for
    list-less suppressions (False when no rule ran at all).
    """
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        if diagnostic.path is not None and diagnostic.path != path:
            kept.append(diagnostic)
            continue
        line = index.line_of(diagnostic.span.start)
        matched = [s for s in suppressions if s.covers(diagnostic, line)]
        for suppression in matched:
            suppression.used.add(diagnostic.code)
        if not matched:
            kept.append(diagnostic)
    # M001 itself may be disabled by the configuration: the caller's selection drops it then.
    kept.extend(
        unused_suppressions(
            suppressions, index, path=path, is_enabled=is_enabled, judge_blanket=judge_blanket
        )
    )
    return kept


def unused_suppressions(
    suppressions: Sequence[Suppression],
    index: LineIndex,
    *,
    path: str | None = None,
    is_enabled: Callable[[str], bool] = lambda code: True,
    judge_blanket: bool = True,
) -> Iterator[Diagnostic]:
    """M001 for each entry (or list-less suppression) that suppressed nothing."""
    for suppression in suppressions:
        if suppression.covers_everything:
            if judge_blanket and not suppression.used:
                yield _m001(
                    suppression.directive,
                    "suppression matches no diagnostic",
                    _remove_comment(suppression.comment, index),
                    path,
                )
            continue
        unused = [e for e in suppression.entries if _is_unused(e, suppression, is_enabled)]
        whole = len(unused) == len(suppression.entries)
        for entry in unused:
            fix = (
                _remove_comment(suppression.comment, index)
                if whole
                else _remove_entry(
                    suppression.entries, entry, f"remove '{entry.written}' from the suppression"
                )
            )
            yield _m001(entry.span, _unused_message(entry), fix, path)


def _is_unused(entry: NamedCode, suppression: Suppression, is_enabled: Callable[[str], bool]) -> bool:
    if entry.code is None or entry.code == SYNTAX_ERROR:
        return True
    if entry.code in suppression.used:
        return False
    return not _is_suppressible(entry.code) or is_enabled(entry.code)


def _unused_message(entry: NamedCode) -> str:
    # The two wordings of diagnostics.md's M001; E008 is never suppressed, so naming it matches nothing.
    if entry.code is None:
        return f"unknown code '{entry.written}' in suppression"
    return f"suppression of {entry.code} matches no diagnostic"


def _m001(span: Span, message: str, fix: Fix, path: str | None) -> Diagnostic:
    return Diagnostic.for_code(UNUSED_SUPPRESSION, span, message, fix=fix, path=path)


def _remove_entry(entries: Sequence[NamedCode], entry: NamedCode, title: str) -> Fix:
    position = entries.index(entry)
    if position + 1 < len(entries):  # up to the next entry, taking the comma along
        span = Span(entry.span.start, entries[position + 1].span.start)
    else:  # from the end of the previous entry
        span = Span(entries[position - 1].span.end, entry.span.end)
    return Fix(title, (Edit(span.start, span.end, ""),), Safety.SAFE)


def _remove_comment(comment: Comment, index: LineIndex) -> Fix:
    """Remove the comment; with the spaces before it when code precedes it on the line, or with the
    whole line when the comment is alone on it."""
    span = comment.span
    first, last = index.line_of(span.start), index.line_of(span.end)
    line_start, line_end = index.line_start(first), index.line_end(last)
    before = index.data[line_start : span.start]
    after = index.data[span.end : line_end]
    if not before.strip() and not after.strip():
        next_line = index.line_start(last + 1) if last + 1 < index.line_count else line_end
        start, end = line_start, next_line
    else:
        start = span.start - (len(before) - len(before.rstrip()))
        end = span.end
    return Fix("remove the unused suppression", (Edit(start, end, ""),), Safety.SAFE)


def suppressions_of_tree(tree: Any, index: LineIndex) -> list[Suppression]:
    """The suppressions of a parsed file (`index` over its text). Most files have none, and a
    file whose text lacks `nexa: ignore` cannot have one: its tree is not walked for comments."""
    if _DIRECTIVE_TEXT not in index.data:
        return []
    return parse_suppressions(comments_of_tree(tree, index), index)


def comments_of_tree(tree: Any, index: LineIndex) -> list[Comment]:
    """Every `comment` node of a tree-sitter tree, in source order."""
    comments: list[Comment] = []
    data = index.data
    cursor = tree.walk()
    descend = True
    while True:
        node = cursor.node
        if descend and node.type == "comment":
            text = data[node.start_byte : node.end_byte].decode("utf-8", "replace")
            comments.append(Comment(text, node.start_byte, index.line_of(node.start_byte)))
            descend = False  # a comment has no interesting children
        if descend and cursor.goto_first_child():
            continue
        if cursor.goto_next_sibling():
            descend = True
            continue
        while True:
            if not cursor.goto_parent():
                return comments
            if cursor.goto_next_sibling():
                descend = True
                break
