"""textDocument/semanticTokens/full, /full/delta and /range: `nexa_lang.semantic_tokens` encoded as
LSP's relative integers (line delta, start delta, length, type, modifier bits), positions in the
negotiated encoding.

The last full answer of each document is kept with its result id, so that a delta request answers
only what changed (`nexa_lang.semantic_tokens.token_edits`); an unknown previous id gets the full
tokens again. A token never spans lines (names and keys do not), but one that did would be cut at
its line's end.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from lsprotocol import types

from nexa_lang.semantic_tokens import (
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    SemanticToken,
    semantic_tokens,
    token_edits,
)
from nexa_lsp.ranges import Ranges
from nexa_lsp.server import NexaServer

LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)


def encode(tokens: Iterable[SemanticToken], ranges: Ranges) -> list[int]:
    """The tokens, in source order, as LSP's flat array of relative integers."""
    data: list[int] = []
    index, unit = ranges.index, ranges.unit
    previous_line = previous_start = 0
    for token in tokens:
        line, start = index.position(token.span.start, unit)
        end_line, end = index.position(token.span.end, unit)
        if end_line != line:
            end = index.column(line, index.line_end(line), unit)
        if end <= start:
            continue
        data += [
            line - previous_line,
            start - previous_start if line == previous_line else start,
            end - start,
            token.type_index,
            token.modifier_bits,
        ]
        previous_line, previous_start = line, start
    return data


def register(server: NexaServer) -> None:
    last: dict[str, tuple[str, list[int]]] = {}  # uri -> (result id, data) of the last full answer
    result_ids = itertools.count(1)

    def full_tokens(ls: NexaServer, uri: str) -> types.SemanticTokens:
        document = ls.document(uri)
        data = encode(semantic_tokens(ls.documents.analysis(document)), document.ranges)
        result_id = str(next(result_ids))
        for closed in [u for u in last if ls.documents.get(u) is None]:
            del last[closed]
        last[uri] = (result_id, data)
        return types.SemanticTokens(data=data, result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    def full(ls: NexaServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        return full_tokens(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, LEGEND)
    def delta(
        ls: NexaServer, params: types.SemanticTokensDeltaParams
    ) -> types.SemanticTokens | types.SemanticTokensDelta:
        uri = params.text_document.uri
        previous = last.get(uri)
        current = full_tokens(ls, uri)
        if previous is None or previous[0] != params.previous_result_id:
            return current
        return types.SemanticTokensDelta(
            result_id=current.result_id,
            edits=[
                types.SemanticTokensEdit(start=edit.start, delete_count=edit.delete_count, data=edit.data)
                for edit in token_edits(previous[1], current.data)
            ],
        )

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    def in_range(ls: NexaServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        tokens = semantic_tokens(ls.documents.analysis(document), ranges.span(params.range))
        return types.SemanticTokens(data=encode(tokens, ranges))
