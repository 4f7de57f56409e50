"""`nexa/dag`: the flow graph of `nexa_lang.dag`, with ranges in the negotiated encoding.

Params `{textDocument: {uri}, flow?: name}`; the default flow is `main`, else the first one. An
unknown flow is an InvalidParams error whose message lists the program's flows.
"""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from nexa_lang.dag import UnknownFlowError, build_flow_graph
from nexa_lang.model import SourceFile
from nexa_lsp.documents import uri_of
from nexa_lsp.ranges import Ranges
from nexa_lsp.server import NexaServer

DAG_REQUEST = "nexa/dag"


def register(server: NexaServer) -> None:
    @server.feature(DAG_REQUEST)
    def dag(ls: NexaServer, params: Any) -> dict[str, Any]:
        uri, flow = _read_params(params)
        analysis = ls.documents.analysis(ls.document(uri))
        try:
            graph = build_flow_graph(analysis.program, flow)
        except UnknownFlowError as error:
            raise JsonRpcInvalidParams(str(error)) from None
        unit = ls.documents.unit

        def convert_range(file: SourceFile, span: Any) -> dict[str, Any]:
            return Ranges(file.lines, unit).range_dict(span)

        return graph.to_dict(convert_range, lambda file: uri_of(file.path) if file.path else None)


def plain(value: Any) -> Any:
    """Custom params as plain JSON values (pygls hands them over as nested namedtuples)."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _read_params(params: Any) -> tuple[str, str | None]:
    params = plain(params)
    params = params if isinstance(params, dict) else {}
    document = params.get("textDocument")
    uri = document.get("uri") if isinstance(document, dict) else None
    flow = params.get("flow")
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams("nexa/dag needs params {textDocument: {uri}, flow?}")
    if flow is not None and not isinstance(flow, str):
        raise JsonRpcInvalidParams("nexa/dag: 'flow' must be a flow name")
    return uri, flow
