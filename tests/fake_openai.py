"""A fake OpenAI-compatible server, real HTTP on 127.0.0.1, shared by the tests that need one
(tests/providers, tests/vm/test_audit4_rt.py, tests/e2e/dap).

A test scripts the answers in either of two styles: it queues them (`answer_json`, `answer_sse`,
`answer_stall`, served in order), or it sets `respond(body)`, called for each request once the
queue is empty, returning (HTTP status, JSON body) or None. Without either, the server answers a
completion echoing the last user message. Every request it receives is kept in `requests`.

Use it as a context manager: `with FakeOpenAI() as fake:` serves until the block ends;
`route_nexa_to(fake, monkeypatch)` sends this process's `nexa run --provider openai` to it.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import pytest

Reply = tuple[int, Any]  # (HTTP status, JSON body)
Responder = Callable[[dict[str, Any]], Reply | None]


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Answer:
    kind: str  # "json", "sse", "stall"
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    is_chunked: bool = True
    piece_size: int | None = None  # cut the SSE bytes into pieces this small (lines split too)
    stall_seconds: float = 0.0
    stall_after_events: int | None = None  # for "sse": stop answering after this many events


def completion(
    text: str | None = "hello", *, tool_calls: list[dict[str, Any]] | None = None, model: str = "m"
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def text_delta(text: str, *, model: str = "m") -> dict[str, Any]:
    return {"model": model, "choices": [{"index": 0, "delta": {"content": text}}]}


def no_script(body: dict[str, Any]) -> Reply | None:
    return None


# The machine's settings that would reach a real service or change the model a test expects.
MACHINE_SETTINGS = ("NEXA_OPENAI_API_KEY", "OPENAI_API_KEY", "NEXA_DEFAULT_MODEL", "NEXA_JUDGE_MODEL")


class FakeOpenAI:
    def __init__(self) -> None:
        self.answers: deque[Answer] = deque()
        self.respond: Responder = no_script
        self.requests: list[ReceivedRequest] = []
        self.release = threading.Event()  # set when the server stops: ends the waits of slow answers
        self.server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer_json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.answers.append(Answer("json", status=status, body=body, headers=headers or {}))

    def answer_sse(self, events: list[Any], **options: Any) -> None:
        self.answers.append(Answer("sse", events=events, **options))

    def answer_stall(self, seconds: float) -> None:
        self.answers.append(Answer("stall", stall_seconds=seconds))

    # Builders of response bodies, reachable from tests through the fixture.
    completion = staticmethod(completion)
    text_delta = staticmethod(text_delta)

    def reply(self, body: dict[str, Any]) -> Reply | None:
        """The scripted reply to a request the queue does not answer (a hook for subclasses)."""
        return self.respond(body)

    def next_answer(self, body: dict[str, Any]) -> Answer:
        if self.answers:
            return self.answers.popleft()
        scripted = self.reply(body)
        if scripted is not None:
            status, payload = scripted
            return Answer("json", status=status, body=payload)
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        last = users[-1]["content"] if users else ""
        return Answer("json", body=completion(f"echo: {last}", model=body.get("model", "m")))


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (a timeout test) leaves a broken pipe behind: expected.
        pass


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {name.lower(): value for name, value in self.headers.items()}
            fake.requests.append(ReceivedRequest(self.path, headers, body))
            answer = fake.next_answer(body)
            if answer.kind == "stall":
                fake.release.wait(answer.stall_seconds)
                answer = Answer("json", body=completion("too late"))
            if answer.kind == "json":
                self._send_json(answer)
            else:
                self._send_sse(answer)

        def _send_json(self, answer: Answer) -> None:
            raw = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
            data = raw.encode("utf-8")
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _send_sse(self, answer: Answer) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            if answer.is_chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            events = [e if isinstance(e, str) else json.dumps(e) for e in answer.events]
            for number, event in enumerate([*events, "[DONE]"]):
                if answer.stall_after_events is not None and number >= answer.stall_after_events:
                    fake.release.wait(10)
                    return
                self._write_piecewise(f"data: {event}\n\n".encode(), answer)
            if answer.is_chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _write_piecewise(self, data: bytes, answer: Answer) -> None:
            size = answer.piece_size or len(data)
            for start in range(0, len(data), size):
                piece = data[start : start + size]
                if answer.is_chunked:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                self.wfile.flush()

    return Handler


def route_nexa_to(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send the OpenAI-compatible provider of this process (and of processes it starts) to `fake`,
    with no key or default model of the machine."""
    monkeypatch.setenv("NEXA_OPENAI_BASE_URL", fake.base_url)
    for name in MACHINE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
