"""textDocument/hover: `nexa_lang.hover.hover` at the cursor, as markdown; on the agent of an agent
call (`A.run(x)`, `A(x)`, `x >> A`) the prompt preview of that call follows."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.hover import hover as hover_at
from nexa_lang.prompt_preview import agent_call_at, preview_call
from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: NexaServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.document(params.text_document.uri)
        analysis = ls.documents.analysis(document)
        offset = document.ranges.offset(params.position)
        found = hover_at(analysis, offset)
        call = agent_call_at(analysis, offset)
        if found is not None:
            parts, span = [found.markdown], found.span
        elif call is not None:
            parts, span = [], call.name_span
        else:
            return None
        if call is not None:
            parts.append(preview_call(analysis, call).markdown())
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
            range=document.ranges.range(span),
        )
