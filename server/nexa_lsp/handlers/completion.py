"""textDocument/completion: `nexa_lang.completion.complete` at the cursor; each item replaces the
span the front-end names."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.completion import CompletionItem, CompletionKind, complete
from nexa_lsp.server import NexaServer

KINDS = {
    CompletionKind.KEYWORD: types.CompletionItemKind.Keyword,
    CompletionKind.SNIPPET: types.CompletionItemKind.Snippet,
    CompletionKind.AGENT: types.CompletionItemKind.Class,
    CompletionKind.TOOL: types.CompletionItemKind.Function,
    CompletionKind.PROTOCOL: types.CompletionItemKind.Interface,
    CompletionKind.FLOW: types.CompletionItemKind.Function,
    CompletionKind.FUNCTION: types.CompletionItemKind.Function,
    CompletionKind.METHOD: types.CompletionItemKind.Method,
    CompletionKind.VARIABLE: types.CompletionItemKind.Variable,
    CompletionKind.PROPERTY: types.CompletionItemKind.Property,
    CompletionKind.FIELD: types.CompletionItemKind.Field,
    CompletionKind.MODULE: types.CompletionItemKind.Module,
    CompletionKind.VALUE: types.CompletionItemKind.Value,
    CompletionKind.TYPE: types.CompletionItemKind.TypeParameter,
}
OPTIONS = types.CompletionOptions(trigger_characters=[".", '"', ":", "@"])


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, OPTIONS)
    def completion(ls: NexaServer, params: types.CompletionParams) -> types.CompletionList:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        found = complete(ls.documents.analysis(document), ranges.offset(params.position))
        replace = ranges.range(found.replace)
        return types.CompletionList(is_incomplete=False, items=[_item(i, replace) for i in found.items])


def _item(item: CompletionItem, replace: types.Range) -> types.CompletionItem:
    return types.CompletionItem(
        label=item.label,
        kind=KINDS.get(item.kind, types.CompletionItemKind.Text),
        detail=item.detail or None,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
        if item.documentation
        else None,
        sort_text=item.sort_text or None,
        insert_text_format=types.InsertTextFormat.Snippet
        if item.is_snippet
        else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=replace, new_text=item.insert_text or item.label),
    )
