"""textDocument/formatting: the whole document through `nexa_lang.formatter.format_source`;
textDocument/rangeFormatting: the changed lines inside the range, through `format_lines`
(registered only when the formatter module exists)."""

from __future__ import annotations

import importlib
import importlib.util

from lsprotocol import types

from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    if importlib.util.find_spec("nexa_lang.formatter") is None:
        return
    formatter = importlib.import_module("nexa_lang.formatter")

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: NexaServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = ls.document(params.text_document.uri)
        text = document.text
        formatted = formatter.format_source(text)
        if formatted == text:
            return []
        return [types.TextEdit(range=document.ranges.range((0, len(document.source))), new_text=formatted)]

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    def range_formatting(
        ls: NexaServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit] | None:
        document = ls.document(params.text_document.uri)
        end = params.range.end
        last_line = end.line - 1 if end.character == 0 and end.line > params.range.start.line else end.line
        edits = formatter.format_lines(document.text, params.range.start.line, last_line)
        return [
            types.TextEdit(range=document.ranges.range(edit.span), new_text=edit.new_text) for edit in edits
        ]
