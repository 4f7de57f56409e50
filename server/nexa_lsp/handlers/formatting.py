"""textDocument/formatting: the whole document through `nexa_lang.formatter.format_source`;
textDocument/rangeFormatting: the changed lines inside the range, through `format_lines`
(registered only when the formatter module exists).

Indentation follows the request's `FormattingOptions` (`tabSize` spaces, or a tab when
`insertSpaces` is false). A document the formatter refuses (`FormatError`: syntax errors while the
user types, or a result that would change the syntax tree) gets no edits, the normal answer for
"nothing to do", not an error: format-on-save of a half-typed file must stay quiet.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from lsprotocol import types

from nexa_lsp.server import NexaServer

log = logging.getLogger("nexa_lsp")
# An editor's tabSize outside this range is a mistake; the indentation stays readable.
MAX_TAB_SIZE = 16


def indent_unit(options: types.FormattingOptions) -> str:
    """The indentation unit the editor asks for."""
    if not options.insert_spaces:
        return "\t"
    return " " * min(max(int(options.tab_size), 1), MAX_TAB_SIZE)


def register(server: NexaServer) -> None:
    if importlib.util.find_spec("nexa_lang.formatter") is None:
        return
    formatter = importlib.import_module("nexa_lang.formatter")

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: NexaServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = ls.document(params.text_document.uri)
        text = document.text
        try:
            formatted = formatter.format_source(text, indent_unit(params.options))
        except formatter.FormatError as error:
            log.info("not formatting %s: %s", params.text_document.uri, error)
            return None
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
        try:
            edits = formatter.format_lines(
                document.text, params.range.start.line, last_line, indent_unit(params.options)
            )
        except formatter.FormatError as error:
            log.info("not formatting %s: %s", params.text_document.uri, error)
            return None
        return [
            types.TextEdit(range=document.ranges.range(edit.span), new_text=edit.new_text) for edit in edits
        ]
