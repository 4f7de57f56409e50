"""textDocument/signatureHelp: `nexa_lang.signature_help` at the cursor, triggered by `(` and `,`.

Each parameter is given as its [start, end) offsets in the signature's label (counted in UTF-16
code units, as LSP's strings are, by `nexa_lang.positions`), so a name that also occurs elsewhere
in the label is still highlighted in the right place.
"""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.positions import LineIndex, Unit
from nexa_lang.signature_help import SignatureInfo, signature_help
from nexa_lsp.server import NexaServer

OPTIONS = types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[","])


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SIGNATURE_HELP, OPTIONS)
    def signature(ls: NexaServer, params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        document = ls.document(params.text_document.uri)
        found = signature_help(ls.documents.analysis(document), document.ranges.offset(params.position))
        if found is None:
            return None
        return types.SignatureHelp(
            signatures=[_signature(info) for info in found.signatures],
            active_signature=found.active_signature,
            active_parameter=found.active_parameter,
        )


def _signature(info: SignatureInfo) -> types.SignatureInformation:
    label = info.label.encode("utf-8")
    index = LineIndex(label)
    parameters = []
    searched_from = label.find(b"(") + 1
    for parameter in info.parameters:
        start = label.find(parameter.label.encode("utf-8"), searched_from)
        if start < 0:  # not written out in the label: name it by its text
            where: str | tuple[int, int] = parameter.label
        else:
            end = start + len(parameter.label.encode("utf-8"))
            where = (index.position(start, Unit.UTF16).column, index.position(end, Unit.UTF16).column)
            searched_from = end
        parameters.append(
            types.ParameterInformation(
                label=where,
                documentation=_markdown(parameter.documentation),
            )
        )
    return types.SignatureInformation(
        label=info.label, documentation=_markdown(info.documentation), parameters=parameters
    )


def _markdown(text: str) -> types.MarkupContent | None:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text) if text else None
