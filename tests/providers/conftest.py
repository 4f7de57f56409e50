"""Fixtures of the HTTP provider's tests: the fake OpenAI-compatible server (tests/fake_openai.py),
which each test scripts by queueing the answers it wants, and a recorder of back-off sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


class SleepLog:
    """Stands in for asyncio.sleep in back-off tests: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleep_log() -> SleepLog:
    return SleepLog()
