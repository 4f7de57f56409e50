"""Attempts with exponential back-off for one model (`retry`, `retry_delay`, stdlib §3.1, §4.6).

A retryable failure (timeout, 408/409/429/5xx, lost connection) waits `delay × 2^(n−1)` seconds,
capped at 60, or what the server's Retry-After asked for, then tries again; the last failure is
raised with the number of attempts spent, which the interpreter reports and charges to `retry`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from .errors import ProviderError
from .messages import RetryPolicy

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]], policy: RetryPolicy, *, sleep: Sleep = asyncio.sleep
) -> tuple[T, int]:
    """The first successful result and the attempt number that gave it."""
    attempts = max(policy.attempts, 1)
    for number in range(1, attempts + 1):
        try:
            return await attempt(), number
        except ProviderError as error:
            error.attempts = number
            if not error.is_retryable or number == attempts:
                raise
            await sleep(policy.delay_after(number, error.retry_after))
    raise AssertionError("unreachable: the loop returns or raises")
