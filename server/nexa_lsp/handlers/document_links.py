"""Document links: the path of each `include "…"` (L§2.4) opens the included file, as VS Code and
Neovim underline it. The path is resolved relative to the including file's directory, as the
checker does; a path that names no file on disk gets no link (W006 reports it)."""

from __future__ import annotations

import os

from lsprotocol import types

from nexa_lang import ast
from nexa_lang.positions import Span
from nexa_lsp.documents import uri_of
from nexa_lsp.server import NexaServer


def register(server: NexaServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
    def document_links(ls: NexaServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
        document = ls.document(params.text_document.uri)
        if document.path is None:  # an untitled buffer has no directory to resolve against
            return []
        folder = os.path.dirname(document.path)
        links = []
        for include in document.file.module.declarations:
            if not isinstance(include, ast.Include) or include.path is None or not include.path.value:
                continue
            target = os.path.normpath(os.path.join(folder, include.path.value))
            if not os.path.isfile(target):
                continue
            quoted = include.path.span  # the link covers the path, not its quotes
            inside = Span(quoted.start + 1, max(quoted.start + 1, quoted.end - 1))
            # no tooltip: LSP sends one only to clients announcing tooltipSupport, and the target says it
            links.append(types.DocumentLink(range=document.ranges.range(inside), target=uri_of(target)))
        return links
