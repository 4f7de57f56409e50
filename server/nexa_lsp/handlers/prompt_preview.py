"""The `nexa.promptPreview` command (workspace/executeCommand with arguments `[uri, position]`):
the prompt an agent call at that position would send (`nexa_lang.prompt_preview`), as markdown, or
null when no agent is called, declared or named there."""

from __future__ import annotations

from lsprotocol import types

from nexa_lang.prompt_preview import prompt_preview
from nexa_lsp.server import NexaServer

PROMPT_PREVIEW = "nexa.promptPreview"


def register(server: NexaServer) -> None:
    @server.command(PROMPT_PREVIEW)
    def preview(ls: NexaServer, uri: str, position: types.Position) -> str | None:
        document = ls.document(uri)
        found = prompt_preview(ls.documents.analysis(document), document.ranges.offset(position))
        return found.markdown() if found is not None else None
