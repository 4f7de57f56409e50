"""Code lenses above each flow: Run, Debug and Show DAG, each a client command taking `[uri, flow]`."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang import ast
from nexa_lsp.server import NexaServer

FLOW_COMMANDS = (("Run", "nexa.runFlow"), ("Debug", "nexa.debugFlow"), ("Show DAG", "nexa.showDag"))


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: NexaServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        document = ls.document(params.text_document.uri)
        ranges = document.ranges
        return [
            types.CodeLens(
                range=ranges.range(flow.name_span),
                command=types.Command(title=title, command=command, arguments=[document.uri, flow.name]),
            )
            for flow in document.file.module.declarations
            if isinstance(flow, ast.FlowDecl) and flow.name
            for title, command in FLOW_COMMANDS
        ]
