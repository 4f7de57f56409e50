"""Text synchronisation (incremental): open, change and close documents, then check them."""

from __future__ import annotations

from lsprotocol import types

from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NexaServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        document = ls.documents.open(item.uri, item.version, item.text)
        ls.diagnostics.opened(document)
        ls.diagnostics.refresh_dependents(document.path)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NexaServer, params: types.DidChangeTextDocumentParams) -> None:
        document = ls.document(params.text_document.uri)
        ls.documents.changed(document, params.text_document.version, params.content_changes)
        ls.diagnostics.changed(document)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NexaServer, params: types.DidCloseTextDocumentParams) -> None:
        document = ls.documents.close(params.text_document.uri)
        ls.diagnostics.closed(params.text_document.uri)
        if document is not None:
            ls.diagnostics.refresh_dependents(document.path)  # the disk's text applies again
