"""workspace/didChangeWatchedFiles: files changed on disk (the watcher is registered at start)."""

from __future__ import annotations

from lsprotocol import types

from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: NexaServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.index.files_changed(params.changes)
