"""textDocument/prepareRename and textDocument/rename: `nexa_lang.rename`.

A refusal (`RenameRefused`) becomes an LSP error (RequestFailed) carrying its message, which the
editor shows. The edits cover every file of the program (included files too) and the programs of
the other open documents and indexed files that include this one; they are sent as
`documentChanges` (with the open documents' versions) when the client supports them, else as
`changes`.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from nexa_lang.model import Program
from nexa_lang.rename import FileEdits, RenameRefused, prepare_rename, rename
from nexa_lsp.documents import Document, uri_of
from nexa_lsp.ranges import Ranges
from nexa_lsp.server import NexaServer


def refused(error: RenameRefused) -> JsonRpcException:
    return JsonRpcException(error.message, code=types.LSPErrorCodes.RequestFailed.value)


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare(ls: NexaServer, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder:
        document = ls.document(params.text_document.uri)
        try:
            found = prepare_rename(ls.documents.analysis(document), document.ranges.offset(params.position))
        except RenameRefused as error:
            raise refused(error) from None
        return types.PrepareRenamePlaceholder(
            range=document.ranges.range(found.span), placeholder=found.placeholder
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    def rename_symbol(ls: NexaServer, params: types.RenameParams) -> types.WorkspaceEdit:
        document = ls.document(params.text_document.uri)
        analysis = ls.documents.analysis(document)
        try:
            found = rename(
                analysis,
                document.ranges.offset(params.position),
                params.new_name,
                _including_programs(ls, document),
            )
        except RenameRefused as error:
            raise refused(error) from None
        return _workspace_edit(ls, document, found)


def _including_programs(ls: NexaServer, document: Document) -> list[Program]:
    """The programs, other than the document's own, that may use its globals: those of the other
    open documents and of the indexed files that include it."""
    programs = [ls.documents.analysis(other).program for other in ls.documents if other is not document]
    if document.path is not None:
        open_paths = {ls.model.key(d.path) for d in ls.documents if d.path}
        for root in ls.index.includers(document.path):
            file = ls.model.file(root)
            if file is not None and ls.model.key(root) not in open_paths:
                programs.append(ls.model.program(file))
    return programs


def _workspace_edit(ls: NexaServer, document: Document, found: list[FileEdits]) -> types.WorkspaceEdit:
    per_file: list[tuple[str, int | None, list[types.TextEdit]]] = []
    for file_edits in found:
        file = file_edits.file
        ranges = Ranges(file.lines, ls.documents.unit)
        open_document = ls.documents.by_path(file.path) if file.path else document
        uri = open_document.uri if open_document else uri_of(file.path or "")
        edits = [types.TextEdit(range=ranges.range(e.span), new_text=e.new_text) for e in file_edits.edits]
        per_file.append((uri, open_document.version if open_document else None, edits))
    if _supports_document_changes(ls):
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=list(edits),
                )
                for uri, version, edits in per_file
            ]
        )
    return types.WorkspaceEdit(changes={uri: edits for uri, _, edits in per_file})


def _supports_document_changes(ls: NexaServer) -> bool:
    workspace = ls.client_capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit and edit.document_changes)
