"""Pull diagnostics (textDocument/diagnostic): the check result of the document's current version."""

from __future__ import annotations

from lsprotocol import types

from nexa_lsp.server import NexaServer

OPTIONS = types.DiagnosticOptions(
    identifier="nexa", inter_file_dependencies=True, workspace_diagnostics=False
)


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, OPTIONS)
    async def diagnostic(
        ls: NexaServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        result = await ls.diagnostics.result(ls.document(params.text_document.uri))
        if params.previous_result_id == result.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result.result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=result.items, result_id=result.result_id)
