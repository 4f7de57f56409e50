"""textDocument/foldingRange: `nexa_lang.folding` as whole lines.

A fold that ends with a closing bracket on a line of its own ends on the line before it, so that
the `}` (or `]`, `)`) stays visible below the folded first line, as editors show folded blocks.
"""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.folding import FoldingKind, folding_ranges
from nexa_lsp.server import NexaServer

KINDS = {
    FoldingKind.COMMENT: types.FoldingRangeKind.Comment,
    FoldingKind.IMPORTS: types.FoldingRangeKind.Imports,
    FoldingKind.REGION: types.FoldingRangeKind.Region,
}
CLOSERS = (b"}", b"]", b")")


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(ls: NexaServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        document = ls.document(params.text_document.uri)
        index = document.index
        source = document.source
        result = []
        for fold in folding_ranges(document.file):
            start_line = index.line_of(fold.span.start)
            last = max(fold.span.start, fold.span.end - 1)
            end_line = index.line_of(last)
            closing_alone = source[index.line_start(end_line) : last].strip() == b""
            if source[last : last + 1] in CLOSERS and closing_alone:
                end_line -= 1
            if end_line > start_line:
                result.append(
                    types.FoldingRange(start_line=start_line, end_line=end_line, kind=KINDS.get(fold.kind))
                )
        return result
