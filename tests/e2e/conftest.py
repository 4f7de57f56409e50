"""Fixtures for the end-to-end tests of the language server: the real `nexa-lsp` process over stdio,
driven by pytest-lsp's client, which also records every publishDiagnostics it receives."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

NEXA_LSP = str(Path(sys.executable).with_name("nexa-lsp"))


class RecordingClient(LanguageClient):
    """Keeps every published diagnostics message, not only the last one per document."""

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []

    async def published_for(
        self,
        uri: str,
        version: int | None = None,
        accept: Callable[[list[types.Diagnostic]], bool] = lambda _: True,
        timeout: float = 30.0,
    ) -> list[types.Diagnostic]:
        """The first diagnostics published for `uri` (at `version`) that `accept` likes."""
        deadline = asyncio.get_running_loop().time() + timeout
        seen = 0
        while True:
            for params in self.published[seen:]:
                if params.uri == uri and (version is None or params.version == version):
                    if accept(list(params.diagnostics)):
                        return list(params.diagnostics)
            seen = len(self.published)
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no accepted diagnostics for {uri} version {version}")
            await asyncio.sleep(0.02)


def _record(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)


def _register_capability(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    client = RecordingClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    register_lsp_features(client, features)
    return client


def capabilities(encodings: list[str] | None = None) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
            workspace_folders=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            diagnostic=types.DiagnosticClientCapabilities(dynamic_registration=False),
        ),
    )


async def initialize(
    client: LanguageClient, root: Path, encodings: list[str] | None = None
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )


def open_document(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="nexa",
                version=version,
                text=path.read_text("utf-8") if text is None else text,
            )
        )
    )
    return uri


def server_config(**env: str) -> ClientServerConfig:
    import os

    return ClientServerConfig(
        server_command=[NEXA_LSP],
        client_factory=make_client,
        server_env={**os.environ, **env} if env else None,
    )


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: RecordingClient) -> Any:
    yield
    await lsp_client.shutdown_session()
