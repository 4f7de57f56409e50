"""textDocument/codeAction: `nexa_lang.code_actions` for the requested range, with the document's
current diagnostics (the last check moved through later edits): one quick fix per fix the rules
attach, the declarations W005 lacks, the suppression comments of §13 for the diagnostics the
request asks about (`nexa_lang.suppression_actions`), and `source.fixAll`, every safe fix of the
document that does not overlap another (`nexa_lang.fixes`, as `nexa-lsp --check --fix` applies them)."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.code_actions import CodeAction, code_actions
from nexa_lang.diagnostics import Diagnostic, Edit
from nexa_lang.fixes import applicable_fix, apply_fixes
from nexa_lang.suppression_actions import in_context, suppression_actions
from nexa_lsp.diagnostics import to_lsp
from nexa_lsp.documents import Document
from nexa_lsp.server import NexaServer

FIX_ALL = types.CodeActionKind.SourceFixAll
OPTIONS = types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False
)


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, OPTIONS)
    async def code_action(ls: NexaServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = ls.document(params.text_document.uri)
        diagnostics = await ls.diagnostics.current(document)
        only = params.context.only
        result = []
        if _wanted(types.CodeActionKind.QuickFix, only):
            analysis = ls.documents.analysis(document)
            span = document.ranges.span(params.range)
            found = code_actions(analysis, span, diagnostics)
            own = [d for d in diagnostics if d.path is None or d.path == document.path]
            context = [
                (str(d.code), document.ranges.span(d.range))
                for d in params.context.diagnostics
                if d.code is not None and d.source in (None, "nexa")
            ]
            found += suppression_actions(analysis.file, in_context(own, span, context))
            result += [_action(ls, document, action) for action in found]
        if _wanted(FIX_ALL, only):
            fix_all = _fix_all(ls, document, diagnostics)
            if fix_all is not None:
                result.append(fix_all)
        return result


def _wanted(kind: str, only: list[str] | None) -> bool:
    """LSP's kinds are hierarchical: asking for `source` includes `source.fixAll`."""
    return only is None or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def _action(ls: NexaServer, document: Document, action: CodeAction) -> types.CodeAction:
    ranges = document.ranges
    return types.CodeAction(
        title=action.title,
        kind=action.kind,
        diagnostics=[to_lsp(d, ranges, ls.ranges_of_path) for d in action.diagnostics] or None,
        is_preferred=action.is_preferred or None,
        edit=_edit(document, action.edits),
    )


def _fix_all(ls: NexaServer, document: Document, diagnostics: list[Diagnostic]) -> types.CodeAction | None:
    own = [d for d in diagnostics if d.path is None or d.path == document.path]
    applied = apply_fixes(document.text, own)
    if not applied.changed:
        return None
    edits: dict[Edit, None] = {}
    for diagnostic in applied.fixed:
        fix = applicable_fix(diagnostic)
        if fix is not None:
            edits.update(dict.fromkeys(fix.edits))
    count = len(applied.fixed)
    return types.CodeAction(
        title=f"Fix all safely fixable problems ({count})",
        kind=FIX_ALL,
        diagnostics=[to_lsp(d, document.ranges, ls.ranges_of_path) for d in applied.fixed],
        edit=_edit(document, tuple(edits)),
    )


def _edit(document: Document, edits: tuple[Edit, ...]) -> types.WorkspaceEdit:
    ranges = document.ranges
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    return types.WorkspaceEdit(
        changes={
            document.uri: [types.TextEdit(range=ranges.range(e.span), new_text=e.new_text) for e in ordered]
        }
    )
