"""The Nexa language server: a pygls 2 `LanguageServer` holding the open documents, the shared
front-end `Workspace`, the diagnostics service and the workspace index.

Protocol handlers live in `nexa_lsp.handlers.<feature>` and are thin maps from a request to the
front-end (see README.md); this module only holds state and the protocol-level decisions:

* position encoding: UTF-8 when the client offers it, else UTF-16 (LSP's default);
* text sync is incremental and owned by `DocumentStore` (tree-sitter edits), not by pygls' own
  document store, so a change is applied once;
* an internal failure of a request becomes an LSP error response, with its traceback on stderr.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import default_converter
from pygls.protocol.language_server import lsp_method

from nexa_lang.model import SourceFile, Workspace
from nexa_lang.positions import Span
from nexa_lsp.diagnostics import DiagnosticsService
from nexa_lsp.documents import Document, DocumentStore, uri_of
from nexa_lsp.protocol import AnsweringProtocol
from nexa_lsp.ranges import Ranges, unit_of
from nexa_lsp.workspace_index import WorkspaceIndex

log = logging.getLogger("nexa_lsp")
VERSION = "0.1.0"
# Tests make one method's handler fail to prove that the server answers with an error and goes on.
FAIL_ON_ENV = "NEXA_LSP_FAIL_ON"


@dataclass(frozen=True, slots=True)
class PreparedJson:
    """A result already in LSP's JSON shape (camelCase keys, plain values), sent as it is.

    pygls unstructures lsprotocol objects field by field, which costs more than building them:
    long answers (a completion list of a thousand items) are built as JSON instead.
    """

    value: Any


def make_converter() -> cattrs.Converter:
    converter = default_converter()
    converter.register_unstructure_hook(PreparedJson, lambda prepared: prepared.value)
    return converter


class NexaProtocol(AnsweringProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        general = params.capabilities.general
        if general is not None:
            offered = general.position_encodings or []
            # pygls takes the client's first supported choice; we take UTF-8 when offered, else UTF-16.
            general.position_encodings = (
                [types.PositionEncodingKind.Utf8]
                if types.PositionEncodingKind.Utf8 in offered
                else [types.PositionEncodingKind.Utf16]
            )
        return (yield from super().lsp_initialize(params))

    # Documents are kept by nexa_lsp.documents (text + tree); pygls' own copy is not maintained.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def _get_handler(self, feature_name: str) -> Callable[..., Any]:
        handler = super()._get_handler(feature_name)
        if os.environ.get(FAIL_ON_ENV) == feature_name:
            return _failing(feature_name)
        return handler


def _failing(method: str) -> Callable[..., Any]:
    def fail(*args: Any) -> None:
        raise RuntimeError(f"{method} failed on purpose ({FAIL_ON_ENV})")

    return fail


class NexaServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("nexa-lsp", VERSION, protocol_cls=NexaProtocol, converter_factory=make_converter)
        self.model = Workspace()
        self.documents = DocumentStore(self.model)
        self.diagnostics = DiagnosticsService(self)
        self.index = WorkspaceIndex(self)
        self.initialization_options: Any = None
        self._shown: set[str] = set()

    def negotiated(self) -> None:
        """Called after `initialize`: positions from now on count in the negotiated encoding."""
        self.documents.unit = unit_of(self.workspace.position_encoding)

    @property
    def position_encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def ranges_of_path(self, path: str) -> Ranges | None:
        """Position conversion for any file: an open document, else the file on disk."""
        document = self.documents.by_path(path)
        if document is not None:
            return document.ranges
        file = self.model.file(path)
        return Ranges(file.lines, self.documents.unit) if file is not None else None

    def location(self, file: SourceFile, span: Span, document: Document) -> types.Location:
        """An LSP location of a span of any file of `document`'s program."""
        uri = uri_of(file.path) if file.path else document.uri
        return types.Location(uri=uri, range=Ranges(file.lines, self.documents.unit).range(span))

    def show_error_once(self, message: str) -> None:
        if message in self._shown:
            return
        self._shown.add(message)
        log.error("%s", message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def document(self, uri: str) -> Document:
        """The open document `uri`; a request about a document that is not open is invalid."""
        document = self.documents.get(uri)
        if document is None:
            raise JsonRpcInvalidParams(f"document not open: {uri}")
        return document


def create_server() -> NexaServer:
    from nexa_lsp import handlers

    server = NexaServer()
    handlers.register_all(server)
    return server


def configure_logging() -> None:
    level = os.environ.get("NEXA_LSP_LOG", "WARNING").upper()
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, level, logging.WARNING),
        format="nexa-lsp %(levelname)s %(name)s: %(message)s",
    )


def serve(tcp: str | None = None) -> int:
    """Serve on stdio, or on `HOST:PORT` over TCP (one client)."""
    configure_logging()
    server = create_server()
    if tcp is None:
        server.start_io()
        return 0
    host, _, port = tcp.rpartition(":")
    server.start_tcp(host or "127.0.0.1", int(port))
    return 0
