"""Definition, declaration (the same in Nexa), type definition, references and document highlights:
`nexa_lang.navigation` at the cursor, locations in any file of the program."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang import navigation
from nexa_lsp.server import NexaServer

HIGHLIGHT_KINDS = {
    navigation.HighlightKind.READ: types.DocumentHighlightKind.Read,
    navigation.HighlightKind.WRITE: types.DocumentHighlightKind.Write,
}


def register(server: NexaServer) -> None:
    def definition(ls: NexaServer, params: types.TextDocumentPositionParams) -> list[types.Location]:
        document = ls.document(params.text_document.uri)
        found = navigation.definition(
            ls.documents.analysis(document), document.ranges.offset(params.position)
        )
        return [ls.location(target.file, target.span, document) for target in found]

    server.feature(types.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(types.TEXT_DOCUMENT_DECLARATION)(definition)

    @server.feature(types.TEXT_DOCUMENT_TYPE_DEFINITION)
    def type_definition(ls: NexaServer, params: types.TypeDefinitionParams) -> list[types.Location]:
        document = ls.document(params.text_document.uri)
        found = navigation.type_definition(
            ls.documents.analysis(document), document.ranges.offset(params.position)
        )
        return [ls.location(target.file, target.span, document) for target in found]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: NexaServer, params: types.ReferenceParams) -> list[types.Location]:
        document = ls.document(params.text_document.uri)
        found = navigation.references(
            ls.documents.analysis(document),
            document.ranges.offset(params.position),
            include_declaration=params.context.include_declaration,
        )
        return [ls.location(target.file, target.span, document) for target in found]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def highlights(ls: NexaServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight]:
        document = ls.document(params.text_document.uri)
        found = navigation.document_highlights(
            ls.documents.analysis(document), document.ranges.offset(params.position)
        )
        return [
            types.DocumentHighlight(range=document.ranges.range(h.span), kind=HIGHLIGHT_KINDS[h.kind])
            for h in found
        ]
