"""textDocument/documentSymbol (the outline, hierarchical, or flat for clients without
hierarchical support) and workspace/symbol (a query over the indexed and open files):
`nexa_lang.outline`."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.outline import LSP_SYMBOL_KIND, DocumentSymbol, SymbolKind, document_symbols, workspace_symbols
from nexa_lsp.documents import uri_of
from nexa_lsp.ranges import Ranges
from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: NexaServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation]:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        found = document_symbols(document.file)
        if _hierarchical(ls):
            return [_symbol(symbol, ranges) for symbol in found]
        return [
            types.SymbolInformation(
                name=symbol.name,
                kind=kind_of(symbol.kind),
                location=types.Location(uri=document.uri, range=ranges.range(symbol.selection_span)),
                container_name=container or None,
            )
            for top in found
            for symbol, container in top.walk()
        ]

    @server.feature(types.WORKSPACE_SYMBOL)
    def workspace_symbol(ls: NexaServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        paths = [*(d.path for d in ls.documents if d.path), *sorted(ls.index.paths)]
        result = []
        for symbol in workspace_symbols(ls.model, paths, params.query):
            ranges = Ranges(symbol.file.lines, ls.documents.unit)
            result.append(
                types.WorkspaceSymbol(
                    name=symbol.name,
                    kind=kind_of(symbol.kind),
                    location=types.Location(
                        uri=uri_of(symbol.file.path or ""), range=ranges.range(symbol.span)
                    ),
                    container_name=symbol.container or None,
                )
            )
        return result


def kind_of(kind: SymbolKind) -> types.SymbolKind:
    return types.SymbolKind[LSP_SYMBOL_KIND[kind]]


def _symbol(symbol: DocumentSymbol, ranges: Ranges) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        kind=kind_of(symbol.kind),
        range=ranges.range(symbol.span),
        selection_range=ranges.range(symbol.selection_span),
        detail=symbol.detail or None,
        children=[_symbol(child, ranges) for child in symbol.children] or None,
    )


def _hierarchical(ls: NexaServer) -> bool:
    text_document = ls.client_capabilities.text_document
    symbols = text_document.document_symbol if text_document else None
    return bool(symbols and symbols.hierarchical_document_symbol_support)
