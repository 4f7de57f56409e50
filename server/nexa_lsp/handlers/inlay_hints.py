"""textDocument/inlayHint: `nexa_lang.inlay_hints` in the requested range: parameter names before
positional arguments, and each agent call's prompt size with its share of the model's context
window (its tooltip is the prompt preview)."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.inlay_hints import InlayKind, inlay_hints
from nexa_lsp.server import NexaServer

KINDS = {InlayKind.PARAMETER: types.InlayHintKind.Parameter}


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    def inlay_hint(ls: NexaServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        found = inlay_hints(ls.documents.analysis(document), ranges.span(params.range))
        return [
            types.InlayHint(
                position=ranges.position(hint.offset),
                label=hint.label,
                kind=KINDS.get(hint.kind),
                tooltip=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hint.tooltip)
                if hint.tooltip
                else None,
                padding_left=hint.padding_left or None,
                padding_right=hint.padding_right or None,
            )
            for hint in found
        ]
