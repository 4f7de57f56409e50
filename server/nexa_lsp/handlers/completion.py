"""textDocument/completion: `nexa_lang.completion.complete` at the cursor; every item replaces the
span the front-end names. Only the items matching the typed text are sent (the list is then marked
incomplete, so the editor asks again as the word changes); documentation is built and sent by
completionItem/resolve, and the shared replace range as `itemDefaults.editRange` when the client
supports it. The list is sent as ready JSON (`PreparedJson`): it is the longest answer the server
gives, and typing waits for it."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from nexa_lang.completion import CompletionItem, CompletionKind, complete
from nexa_lsp.server import NexaServer, PreparedJson

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
    last: list[CompletionItem] = []  # the items of the last completion list, by number

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, OPTIONS)
    def completion(ls: NexaServer, params: types.CompletionParams) -> PreparedJson:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        found = complete(ls.documents.analysis(document), ranges.offset(params.position))
        shown = found.matching()
        replace = ranges.range_dict(found.replace)
        last[:] = shown.items
        shared_range = _supports_edit_range_default(ls)
        result: dict[str, Any] = {
            "isIncomplete": len(shown.items) < len(found.items),
            "items": [
                _item(n, item, None if shared_range else replace) for n, item in enumerate(shown.items)
            ],
        }
        if shared_range:
            result["itemDefaults"] = {"editRange": replace}
        return PreparedJson(result)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def resolve(ls: NexaServer, item: types.CompletionItem) -> types.CompletionItem:
        number = item.data.get("n") if isinstance(item.data, dict) else getattr(item.data, "n", None)
        text = last[number].documentation if isinstance(number, int) and 0 <= number < len(last) else ""
        if text:
            item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return item


def _supports_edit_range_default(ls: NexaServer) -> bool:
    document = ls.client_capabilities.text_document
    completion = document.completion if document else None
    defaults = completion.completion_list.item_defaults if completion and completion.completion_list else None
    return bool(defaults and "editRange" in defaults)


def _item(number: int, item: CompletionItem, replace: dict[str, Any] | None) -> dict[str, Any]:
    """One item as LSP's JSON `CompletionItem`."""
    text = item.insert_text or item.label
    result: dict[str, Any] = {
        "label": item.label,
        "kind": KINDS.get(item.kind, types.CompletionItemKind.Text).value,
    }
    if item.detail:
        result["detail"] = item.detail
    if item.sort_text:
        result["sortText"] = item.sort_text
    if item.is_snippet:
        result["insertTextFormat"] = types.InsertTextFormat.Snippet.value
    if replace is not None:
        result["textEdit"] = {"range": replace, "newText": text}
    elif text != item.label:
        result["textEditText"] = text
    result["data"] = {"n": number}
    return result
