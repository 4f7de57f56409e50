"""textDocument/completion: `nexa_lang.completion.complete` at the cursor; every item replaces the
span the front-end names. Documentation is sent by completionItem/resolve, and the shared replace
range as `itemDefaults.editRange` when the client supports it, to keep long lists small."""

from __future__ import annotations

from typing import Any

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
OPTIONS = types.CompletionOptions(trigger_characters=[".", '"', ":", "@"], resolve_provider=True)


def register(server: NexaServer) -> None:
    documentation: dict[int, str] = {}  # of the last completion list, by item number

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, OPTIONS)
    def completion(ls: NexaServer, params: types.CompletionParams) -> types.CompletionList:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        found = complete(ls.documents.analysis(document), ranges.offset(params.position))
        replace = ranges.range(found.replace)
        documentation.clear()
        documentation.update(
            (n, item.documentation) for n, item in enumerate(found.items) if item.documentation
        )
        shared_range = _supports_edit_range_default(ls)
        return types.CompletionList(
            is_incomplete=False,
            item_defaults=types.CompletionItemDefaults(edit_range=replace) if shared_range else None,
            items=[_item(n, item, None if shared_range else replace) for n, item in enumerate(found.items)],
        )

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def resolve(ls: NexaServer, item: types.CompletionItem) -> types.CompletionItem:
        number = item.data.get("n") if isinstance(item.data, dict) else getattr(item.data, "n", None)
        text = documentation.get(number) if isinstance(number, int) else None
        if text:
            item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return item


def _supports_edit_range_default(ls: NexaServer) -> bool:
    document = ls.client_capabilities.text_document
    completion = document.completion if document else None
    defaults = completion.completion_list.item_defaults if completion and completion.completion_list else None
    return bool(defaults and "editRange" in defaults)


def _item(number: int, item: CompletionItem, replace: types.Range | None) -> types.CompletionItem:
    text = item.insert_text or item.label
    data: dict[str, Any] = {"n": number}
    return types.CompletionItem(
        label=item.label,
        kind=KINDS.get(item.kind, types.CompletionItemKind.Text),
        detail=item.detail or None,
        sort_text=item.sort_text or None,
        insert_text_format=types.InsertTextFormat.Snippet if item.is_snippet else None,
        text_edit=types.TextEdit(range=replace, new_text=text) if replace is not None else None,
        text_edit_text=text if replace is None and text != item.label else None,
        data=data,
    )
