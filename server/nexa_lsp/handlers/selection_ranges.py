"""textDocument/selectionRange: `nexa_lang.selection_ranges` for each position, the spans that hold
it (innermost first) chained as LSP's nested `SelectionRange`s."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.selection_ranges import selection_ranges
from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    def selection_range(ls: NexaServer, params: types.SelectionRangeParams) -> list[types.SelectionRange]:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        found = selection_ranges(
            ls.documents.analysis(document), [ranges.offset(p) for p in params.positions]
        )
        result = []
        for spans in found:
            chain: types.SelectionRange | None = None
            for span in reversed(spans):  # outermost first, so each becomes the next one's parent
                chain = types.SelectionRange(range=ranges.range(span), parent=chain)
            assert chain is not None  # the whole file at least
            result.append(chain)
        return result
