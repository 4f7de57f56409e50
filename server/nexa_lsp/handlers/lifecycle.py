"""initialize, initialized and shutdown: negotiated settings, then the worker, the file watcher and
the workspace index."""

from __future__ import annotations

from lsprotocol import types

from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: NexaServer, params: types.InitializeParams) -> None:
        ls.initialization_options = params.initialization_options
        ls.negotiated()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: NexaServer, params: types.InitializedParams) -> None:
        ls.diagnostics.start()
        await ls.index.register_watcher()
        await ls.index.index_all()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: NexaServer, params: None) -> None:
        ls.diagnostics.shutdown()
