"""Open documents: the text, the syntax tree kept up to date by tree-sitter edits, and the parsed file.

A change from the editor is applied in three steps: the LSP range is converted to byte offsets (by
`LineIndex`, in the negotiated encoding), the text is spliced, and the same byte edit is applied to
the tree with `Tree.edit`. Re-parsing waits until something needs the tree; lowering to the AST waits
until something needs the file (`SourceFile.from_text(text, path, old_tree=edited_tree)`, through the
shared `Workspace`, so open documents override the disk for every program that includes them).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path
from tree_sitter import Tree

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.parsing import parse
from nexa_lang.positions import LineIndex, Span, Unit, tree_sitter_point
from nexa_lsp.ranges import Ranges

if TYPE_CHECKING:
    from collections.abc import Sequence

log = logging.getLogger(__name__)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encode_text(text: str) -> bytes:
    """A document's text as UTF-8. A lone surrogate (JSON allows `"\\ud800"`; a Python string holds
    no other surrogates) cannot be UTF-8: it becomes U+FFFD, which has the same length in UTF-16
    code units, UTF-8 bytes and code points, so the client's positions keep their meaning."""
    if _LONE_SURROGATE.search(text) is not None:
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text.encode("utf-8")


@dataclass(frozen=True, slots=True)
class ByteEdit:
    """One change in byte offsets: [start, old_end) of the old text became [start, new_end)."""

    start: int
    old_end: int
    new_end: int

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end


def path_of(uri: str) -> str | None:
    """The file-system path of a `file:` URI (None for `untitled:` and other schemes)."""
    if not uri.startswith("file:"):
        return None
    return to_fs_path(uri)


def uri_of(path: str) -> str:
    return from_fs_path(path) or path


@dataclass(eq=False)
class Document:
    uri: str
    path: str | None
    version: int
    source: bytes
    unit: Unit
    workspace: Workspace
    _tree: Tree | None = None
    _tree_is_current: bool = False
    _file: SourceFile | None = None
    _analysis: Analysis | None = None
    _analysis_generation: int = -1
    edit_log: list[ByteEdit] = field(default_factory=list)  # edits not yet covered by a check
    edit_base: int = 0  # how many edits were dropped from the front of edit_log

    @property
    def edit_count(self) -> int:
        """How many edits were applied since the document was opened (a mark for `edits_after`)."""
        return self.edit_base + len(self.edit_log)

    def edits_after(self, mark: int) -> list[ByteEdit]:
        return self.edit_log[max(mark - self.edit_base, 0) :]

    def forget_edits(self, mark: int) -> None:
        """Drop the edits before `mark` (a check of the text at `mark` has been published)."""
        drop = max(mark - self.edit_base, 0)
        del self.edit_log[:drop]
        self.edit_base += drop

    @property
    def text(self) -> str:
        return self.source.decode("utf-8", "surrogatepass")

    @property
    def index(self) -> LineIndex:
        return LineIndex.of(self.source)

    @property
    def ranges(self) -> Ranges:
        """Converts this document's spans and LSP positions (in the negotiated encoding)."""
        return Ranges(self.index, self.unit)

    # --- the syntax tree ----------------------------------------------------------------------

    @property
    def tree(self) -> Tree:
        """The tree of the current text: the edited old tree re-parsed incrementally."""
        if not self._tree_is_current:
            self._tree = parse(self.source, self._tree)
            self._tree_is_current = True
        assert self._tree is not None
        return self._tree

    @property
    def file(self) -> SourceFile:
        """The parsed and lowered file of the current text (registered in the workspace)."""
        if self._file is None:
            old_tree = self._tree  # edited in place by apply_change; re-parsed incrementally
            if self.path is not None:
                self._file = self.workspace.set_text(self.path, self.source.decode("utf-8"), old_tree)
            else:
                self._file = SourceFile.from_text(self.source, None, old_tree)
            self._tree = self._file.tree
            self._tree_is_current = True
        return self._file

    # --- changes ------------------------------------------------------------------------------

    def apply_changes(self, version: int, changes: Sequence[types.TextDocumentContentChangeEvent]) -> None:
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                self._apply_partial(change)
            else:
                self._replace_all(change.text)
        self.version = version
        self._file = None

    def _apply_partial(self, change: types.TextDocumentContentChangePartial) -> None:
        ranges = self.ranges
        start = ranges.offset(change.range.start)
        old_end = max(start, ranges.offset(change.range.end))
        inserted = encode_text(change.text)
        new_end = start + len(inserted)
        old = self.source
        new = old[:start] + inserted + old[old_end:]
        if self._tree is not None:
            self._tree.edit(
                start_byte=start,
                old_end_byte=old_end,
                new_end_byte=new_end,
                start_point=tree_sitter_point(old, start),
                old_end_point=tree_sitter_point(old, old_end),
                new_end_point=tree_sitter_point(new, new_end),
            )
            self._tree_is_current = False
        self.source = new
        self.edit_log.append(ByteEdit(start, old_end, new_end))

    def _replace_all(self, text: str) -> None:
        old_length = len(self.source)
        self.source = encode_text(text)
        self._tree = None
        self._tree_is_current = False
        self.edit_log.append(ByteEdit(0, old_length, len(self.source)))

    def span_range(self, span: Span) -> types.Range:
        return self.ranges.range(span)


class DocumentStore:
    """The open documents by URI; every one is also an overlay in the shared `Workspace`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.unit = Unit.UTF16
        self.generation = 0  # bumped by every change of an open document or a file on disk
        self._documents: dict[str, Document] = {}

    def open(self, uri: str, version: int, text: str) -> Document:
        path = path_of(uri)
        document = Document(uri, path, version, encode_text(text), self.unit, self.workspace)
        self._documents[uri] = document
        self.generation += 1
        if path is not None:
            document.file  # noqa: B018 -- registers the overlay at once, so including programs see it
        return document

    def changed(
        self, document: Document, version: int, changes: Sequence[types.TextDocumentContentChangeEvent]
    ) -> None:
        document.apply_changes(version, changes)
        self.generation += 1

    def analysis(self, document: Document) -> Analysis:
        """`document`'s analysis, with every open document's latest text in the workspace first."""
        for other in self._documents.values():
            if other.path is not None and other is not document:
                try:
                    other.file  # noqa: B018 -- brings the overlay up to date
                except RecursionError:  # nested too deeply to lower: must not stop this document
                    log.warning("open document %s is nested too deeply to analyse", other.uri)
        if document._analysis is None or document._analysis_generation != self.generation:
            document._analysis = analyze(self.workspace, document.file)
            document._analysis_generation = self.generation
        return document._analysis

    def close(self, uri: str) -> Document | None:
        document = self._documents.pop(uri, None)
        self.generation += 1
        if document is not None and document.path is not None:
            self.workspace.close(document.path)
        return document

    def get(self, uri: str) -> Document | None:
        return self._documents.get(uri)

    def __getitem__(self, uri: str) -> Document:
        document = self._documents.get(uri)
        if document is None:
            raise KeyError(f"document not open: {uri}")
        return document

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._documents.values()))

    def by_path(self, path: str) -> Document | None:
        key = Workspace.key(path)
        return next(
            (d for d in self._documents.values() if d.path and Workspace.key(d.path) == key),
            None,
        )

    def overlays(self, except_path: str | None = None) -> dict[str, str]:
        """The texts of open documents with a path (they override the disk), except one."""
        skip = Workspace.key(except_path) if except_path else None
        return {d.path: d.text for d in self._documents.values() if d.path and Workspace.key(d.path) != skip}
