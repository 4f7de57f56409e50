"""textDocument/hover: `nexa_lang.hover.hover` at the cursor, as markdown."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.hover import hover as hover_at
from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: NexaServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.document(params.text_document.uri)
        found = hover_at(ls.documents.analysis(document), document.ranges.offset(params.position))
        if found is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
            range=document.ranges.range(found.span),
        )
