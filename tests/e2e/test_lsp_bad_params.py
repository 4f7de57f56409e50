"""Requests whose params do not fit their LSP type are answered with InvalidParams (JSON-RPC 2.0
wants an answer to every request), bad notifications are ignored, and the server goes on serving.

pytest-lsp's client validates params before sending them, so these tests speak raw JSON-RPC."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import NEXA_LSP

TIMEOUT = 10.0
SOURCE = "flow main {\n    x = 1\n    print(x)\n}\n"


class RawClient:
    """A JSON-RPC client over the server's stdio that sends params exactly as given."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0
        self.answers: dict[Any, dict[str, Any]] = {}
        self.arrived = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while (line := await stdout.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            message = json.loads(await stdout.readexactly(length))
            if "method" in message and "id" in message:
                # The server's own requests (configuration, registration, progress): answer null.
                items = message.get("params", {}).get("items")
                result = [None] * len(items) if items is not None else None
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif "method" not in message:
                self.answers[message.get("id")] = message
                self.arrived.set()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any, msg_id: Any = None) -> dict[str, Any]:
        if msg_id is None:
            self.next_id += 1
            msg_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await self.answer(msg_id)

    async def answer(self, msg_id: Any) -> dict[str, Any]:
        async def arrival() -> dict[str, Any]:
            while msg_id not in self.answers:
                self.arrived.clear()
                await self.arrived.wait()
            return self.answers.pop(msg_id)

        return await asyncio.wait_for(arrival(), TIMEOUT)


@pytest.fixture
async def raw(tmp_path: Path) -> AsyncIterator[RawClient]:
    stderr = (tmp_path / "stderr.txt").open("wb")
    process = await asyncio.create_subprocess_exec(
        NEXA_LSP, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr
    )
    client = RawClient(process)
    root = tmp_path.as_uri()
    init = await client.request("initialize", {"processId": None, "rootUri": root, "capabilities": {}})
    assert "result" in init
    client.notify("initialized", {})
    source = tmp_path / "main.nx"
    source.write_text(SOURCE, "utf-8")
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": source.as_uri(), "languageId": "nexa", "version": 1, "text": SOURCE}},
    )
    yield client
    await client.request("shutdown", None)
    client.notify("exit", None)
    await asyncio.wait_for(process.wait(), TIMEOUT)
    client.reader.cancel()
    stderr.close()
    # Bad input is reported in one line, never with a Python traceback.
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text("utf-8", "replace")


def at(uri: str, line: Any, character: Any) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def uri_of(tmp_path: Path) -> str:
    return (tmp_path / "main.nx").as_uri()


@pytest.mark.parametrize(
    "method", ["textDocument/hover", "textDocument/definition", "textDocument/completion"]
)
async def test_a_negative_line_is_invalid_params_and_the_server_goes_on(
    raw: RawClient, tmp_path: Path, method: str
) -> None:
    uri = uri_of(tmp_path)
    answer = await raw.request(method, at(uri, -1, 0), msg_id=f"bad-{method}")
    assert answer["id"] == f"bad-{method}"
    assert answer["error"]["code"] == -32602
    assert "Position.line" in answer["error"]["message"]
    # The near miss: the same request at a valid position answers normally.
    valid = await raw.request(method, at(uri, 2, 10))
    assert "error" not in valid and "result" in valid


async def test_invalid_params_name_the_bad_field(raw: RawClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path)
    wrong_type = await raw.request("textDocument/hover", at(uri, 0, "x"))
    assert wrong_type["error"]["code"] == -32602
    assert "$.params.position.character" in wrong_type["error"]["message"]
    missing = await raw.request("textDocument/hover", {"textDocument": {"uri": uri}})
    assert missing["error"]["code"] == -32602
    assert "required field missing at $.params.position" in missing["error"]["message"]
    camel = await raw.request(
        "textDocument/hover", {"textDocument": 3, "position": {"line": 0, "character": 0}}
    )
    assert "$.params.textDocument" in camel["error"]["message"]


async def test_a_request_whose_id_cannot_be_read_is_answered_with_a_null_id(raw: RawClient) -> None:
    raw.send({"jsonrpc": "2.0", "id": {"not": "an id"}, "method": "textDocument/hover", "params": None})
    # An object is no JSON-RPC id, so the answer cannot carry it: it carries null.
    answer = await raw.answer(None)
    assert answer == {"jsonrpc": "2.0", "id": None, "error": answer["error"]}
    assert answer["error"]["code"] == -32600


async def test_a_bad_notification_is_ignored_and_the_server_goes_on(raw: RawClient, tmp_path: Path) -> None:
    uri = uri_of(tmp_path)
    raw.notify("textDocument/didChange", {"textDocument": {"uri": uri}, "contentChanges": "nope"})
    raw.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "version": -5}})
    hover = await raw.request("textDocument/hover", at(uri, 2, 10))
    assert "error" not in hover
    assert hover["result"] is not None and "x" in json.dumps(hover["result"])
    # Requests the server does not know keep pygls' MethodNotFound answer.
    unknown = await raw.request("nexa/noSuchMethod", {})
    assert unknown["error"]["code"] == -32601
