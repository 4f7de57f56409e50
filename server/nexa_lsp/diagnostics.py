"""Diagnostics of open documents: pushed (publishDiagnostics, with versions) and pulled
(textDocument/diagnostic).

Two kinds of result for a document version:

* the **check**: the full `nexa-lsp --check` result (same engine, same configuration), computed in
  the worker process `debounce` seconds after the last change; a change cancels a pending check,
  and a result for an older version is dropped;
* the **quick** result, published at once on every change: the syntax errors (E008) of the
  incrementally re-parsed tree plus the last check's other diagnostics moved through the edits made
  since (a diagnostic whose text was edited is dropped until the next check). It is replaced by the
  check's result as soon as that arrives; pulls always wait for the check.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from nexa_lang.codes import Severity, Tag
from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Related
from nexa_lang.model import Workspace
from nexa_lang.positions import Span
from nexa_lang.syntax_errors import SYNTAX_ERROR, syntax_errors
from nexa_lsp.check_runner import CheckOutcome, CheckRequest, make_executor, run_check, warm_up
from nexa_lsp.documents import ByteEdit, Document, uri_of
from nexa_lsp.ranges import Ranges

if TYPE_CHECKING:
    from nexa_lsp.server import NexaServer

log = logging.getLogger(__name__)

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
TAGS = {Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary, Tag.DEPRECATED: types.DiagnosticTag.Deprecated}
DEBOUNCE_SECONDS = 0.15


# --- mapping to LSP ----------------------------------------------------------------------------


def to_lsp(diagnostic: Diagnostic, ranges: Ranges, ranges_of_path: Any = None) -> types.Diagnostic:
    """One diagnostic as LSP sends it; `ranges_of_path(path)` gives the `Ranges` of another file
    (for related information in included files), or None when it cannot be read."""
    related = []
    for item in diagnostic.related:
        where = ranges if item.path is None else (ranges_of_path(item.path) if ranges_of_path else None)
        if where is None:
            continue
        target = uri_of(item.path) if item.path else None
        related.append((target, where.range(item.span), item.message))
    return types.Diagnostic(
        range=ranges.range(diagnostic.span),
        message=diagnostic.message,
        severity=SEVERITIES[diagnostic.severity],
        code=diagnostic.code or None,
        code_description=types.CodeDescription(href=diagnostic.url) if diagnostic.code else None,
        source="nexa",
        tags=sorted((TAGS[t] for t in diagnostic.tags), key=int) or None,
        related_information=[
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri or "", range=range_), message=message
            )
            for uri, range_, message in related
        ]
        or None,
        data={"name": diagnostic.name, "fixes": [fix_data(f, ranges) for f in diagnostic.fixes]},
    )


def fix_data(fix: Fix, ranges: Ranges) -> dict[str, Any]:
    """A fix as JSON: its title, safety and edits as LSP ranges (what code actions turn into edits)."""
    return {
        "title": fix.title,
        "safety": fix.safety.value,
        "edits": [{"range": ranges.range_dict(e.span), "newText": e.new_text} for e in fix.edits],
    }


def with_related_uris(items: list[types.Diagnostic], uri: str) -> list[types.Diagnostic]:
    """Related information about the diagnostic's own file names that file's URI."""
    for item in items:
        for info in item.related_information or ():
            if not info.location.uri:
                info.location.uri = uri
    return items


# --- moving diagnostics through edits ----------------------------------------------------------


def shift_span(span: Span, edits: Iterable[ByteEdit]) -> Span | None:
    """`span` after `edits` (applied in order), or None when an edit touched it."""
    start, end = span
    for edit in edits:
        if edit.old_end <= start and not (edit.start == edit.old_end == start and start < end):
            start, end = start + edit.delta, end + edit.delta
        elif edit.start >= end and not (edit.start == end and start == end):
            continue
        else:
            return None
    return Span(start, end)


def shift_diagnostic(diagnostic: Diagnostic, edits: list[ByteEdit]) -> Diagnostic | None:
    span = shift_span(diagnostic.span, edits)
    if span is None:
        return None
    related = []
    for item in diagnostic.related:
        moved = shift_span(item.span, edits) if item.path is None else item.span
        if moved is None:
            return None
        related.append(Related(moved, item.message, item.path))
    fixes = []
    for fix in diagnostic.fixes:
        moved_edits = []
        for edit in fix.edits:
            moved = shift_span(edit.span, edits)
            if moved is None:
                return None
            moved_edits.append(Edit(moved.start, moved.end, edit.new_text))
        fixes.append(replace(fix, edits=tuple(moved_edits)))
    return diagnostic.with_(span=span, related=tuple(related), fixes=tuple(fixes))


# --- the service -------------------------------------------------------------------------------


@dataclass(eq=False)
class CheckResult:
    version: int
    result_id: str
    items: list[types.Diagnostic]
    outcome: CheckOutcome
    edit_mark: int  # the document's edit count when the checked text was taken


@dataclass(eq=False)
class DocumentState:
    pending: asyncio.Task[None] | None = None
    result: CheckResult | None = None
    waiters: list[asyncio.Future[CheckResult]] = field(default_factory=list)


class DiagnosticsService:
    def __init__(self, server: NexaServer, debounce: float = DEBOUNCE_SECONDS) -> None:
        self.server = server
        self.debounce = debounce
        self.config_generation = 0
        self._states: dict[str, DocumentState] = {}
        self._executor = make_executor()
        self._result_ids = itertools.count(1)
        self._reported_config: set[str] = set()

    def start(self) -> None:
        """Start the worker now, so the first check does not wait for its imports."""
        asyncio.get_running_loop().run_in_executor(self._executor, warm_up)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # --- events ---------------------------------------------------------------------------------

    def opened(self, document: Document) -> None:
        self.schedule(document, delay=0.0)

    def changed(self, document: Document) -> None:
        self.publish_quick(document)
        self.schedule(document)
        self.refresh_dependents(document.path)

    def closed(self, uri: str) -> None:
        state = self._states.pop(uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def refresh_dependents(self, path: str | None) -> None:
        """Check again every open document whose check depends on `path` (its program includes
        it, or, for a library, a root including it is or includes `path`), and the open libraries
        that `path`'s text may have made part of a root's program (§2.1)."""
        if path is None:
            return
        key = Workspace.key(path)
        reached = {d.uri for d in self.server.index.open_libraries(reached_from=path)}
        for document in self.server.documents:
            state = self._states.get(document.uri)
            if document.uri in reached or (
                state and state.result and key in state.result.outcome.dependencies
            ):
                self.schedule(document)

    def refresh_all(self) -> None:
        for document in self.server.documents:
            self.schedule(document)

    def configuration_changed(self) -> None:
        self.config_generation += 1
        self._reported_config.clear()
        self.refresh_all()

    # --- pull -----------------------------------------------------------------------------------

    async def result(self, document: Document) -> CheckResult:
        """The check result of the document's current version (waits for it)."""
        state = self._states.setdefault(document.uri, DocumentState())
        if state.result is not None and state.result.version == document.version and state.pending is None:
            return state.result
        if state.pending is None:
            self.schedule(document, delay=0.0)
        future: asyncio.Future[CheckResult] = asyncio.get_running_loop().create_future()
        state.waiters.append(future)
        return await future

    async def current(self, document: Document) -> list[Diagnostic]:
        """The front-end diagnostics of the document's current text (what code actions fix): the
        last check's, moved through the edits made since (one whose text was edited is left out
        until the next check), or, before any check, the check of this version."""
        state = self._states.get(document.uri)
        result = state.result if state is not None else None
        if result is None:
            result = await self.result(document)
        edits = document.edits_after(result.edit_mark)
        return [moved for d in result.outcome.diagnostics if (moved := shift_diagnostic(d, edits))]

    # --- running checks -------------------------------------------------------------------------

    def schedule(self, document: Document, delay: float | None = None) -> None:
        state = self._states.setdefault(document.uri, DocumentState())
        if state.pending is not None:
            state.pending.cancel()  # superseded: a running check's result will be dropped
        state.pending = asyncio.ensure_future(
            self._check(document, self.debounce if delay is None else delay)
        )

    async def _check(self, document: Document, delay: float) -> None:
        state = self._states[document.uri]
        task = state.pending
        version, edit_mark = document.version, document.edit_count
        try:
            if delay:
                await asyncio.sleep(delay)
            version, edit_mark = document.version, document.edit_count
            request = CheckRequest(
                document.path,
                document.text,
                self.server.documents.overlays(except_path=document.path),
                self.config_generation,
                tuple(self.server.index.including_roots(document.path)),
            )
            loop = asyncio.get_running_loop()
            outcome = await loop.run_in_executor(self._executor, run_check, request)
        except asyncio.CancelledError:
            return
        except RecursionError:
            # The front-end recurses; a text nested deeper than it can follow is not checked. The
            # user is told where, and gets the syntax errors; waiting pulls are answered.
            from nexa_lang.nesting import NESTED_TOO_DEEPLY, deepest_position

            line, column = deepest_position(document.source, document.tree)
            self.server.show_error_once(f"Nexa: {document.uri}:{line}:{column} is {NESTED_TOO_DEEPLY}")
            outcome = self._syntax_only(document)
        except Exception:
            log.exception("checking %s failed", document.uri)
            self.server.show_error_once(f"Nexa: checking {document.uri} failed; see the server log")
            outcome = self._syntax_only(document)
        if self.server.documents.get(document.uri) is not document or document.version != version:
            return  # closed or changed meanwhile; the newer check is scheduled
        if state.pending is task:
            state.pending = None
        for problem in outcome.config_problems:
            if problem not in self._reported_config:
                self._reported_config.add(problem)
                self.server.show_error_once(f"Nexa configuration: {problem}")
        ranges = document.ranges
        items = with_related_uris(
            [to_lsp(d, ranges, self.server.ranges_of_path) for d in outcome.diagnostics], document.uri
        )
        result = CheckResult(version, str(next(self._result_ids)), items, outcome, edit_mark)
        state.result = result
        document.forget_edits(edit_mark)
        self.publish(document.uri, version, items)
        waiters, state.waiters = state.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(result)

    def _syntax_only(self, document: Document) -> CheckOutcome:
        """What a failed check leaves: the syntax errors of the document's tree (tree-sitter's, no
        lowering), so that nothing waits for a check that cannot finish."""
        try:
            found = [d.with_(path=document.path) for d in syntax_errors(document.tree, document.source)]
        except Exception:
            log.exception("syntax errors of %s failed", document.uri)
            found = []
        return CheckOutcome(found, [], [], 0.0)

    # --- publishing -----------------------------------------------------------------------------

    def publish(self, uri: str, version: int, items: list[types.Diagnostic]) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
        )

    def publish_quick(self, document: Document) -> None:
        state = self._states.get(document.uri)
        if state is None or state.result is None:
            return
        try:
            items = self.quick_items(document, state.result)
        except Exception:
            log.exception("quick diagnostics of %s failed", document.uri)
            return
        self.publish(document.uri, document.version, items)

    def quick_items(self, document: Document, result: CheckResult) -> list[types.Diagnostic]:
        edits = document.edits_after(result.edit_mark)
        previous = result.outcome.diagnostics
        kept = [moved for d in previous if d.code != SYNTAX_ERROR if (moved := shift_diagnostic(d, edits))]
        if any(d.code == SYNTAX_ERROR for d in previous) or document.tree.root_node.has_error:
            syntax = [d.with_(path=document.path) for d in syntax_errors(document.tree, document.source)]
            kept = sorted(kept + syntax, key=lambda d: d.sort_key)
        ranges = document.ranges
        return with_related_uris([to_lsp(d, ranges, self.server.ranges_of_path) for d in kept], document.uri)
