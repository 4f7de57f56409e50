"""End-to-end `nexa-dap`: a debug session takes `[runtime] consensus_timeout` from the nexa.toml
beside the program, as `nexa run` does (before, it kept the 120 s default), against the fake
OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.fake_openai import MACHINE_SETTINGS, FakeOpenAI, Reply

VOTERS = """
agent Bad { model: "openai/broken", retry: 1, prompt: "b" }
agent Good { prompt: "g" }
flow main() {
    try { print("q" && [Bad, Bad, Good]) } catch (e) { print(e.kind, e.code, e.message) }
}
"""


def broken_model_fails(body: dict[str, Any]) -> Reply | None:
    if body["model"] == "broken":
        return 400, {"error": {"message": "bad request"}}
    return None


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    # The adapter inherits this environment: no key or default model of the machine may leak in.
    for name in MACHINE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    with FakeOpenAI() as fake:
        fake.respond = broken_model_fails
        yield fake


# seconds = 2 is the near miss: the number in the message is the configured one, not a fixed 1
@pytest.mark.parametrize("seconds", [1, 2])
def test_a_debug_session_uses_the_configured_consensus_timeout(dap, program, tmp_path, server, seconds):
    (tmp_path / "nexa.toml").write_text(f"[runtime]\nconsensus_timeout = {seconds}\n", encoding="utf-8")
    path = program(VOTERS)
    client = dap()
    client.launch(path, provider="openai", env={"NEXA_OPENAI_BASE_URL": server.base_url})
    assert client.finish() == 0
    assert client.output("stdout") == (
        f"TimeoutError E404 consensus did not finish: 1 of 3 voters replied within {seconds} s\n"
    )
    # the voters did reach the fake server: two refused, one answered
    assert [r.body["model"] for r in server.requests].count("broken") == 2
    assert len(server.requests) == 3
