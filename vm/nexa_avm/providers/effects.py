"""Results of the program's effects (clock, random, human, net, fs-*, process calls), which a
cassette records and replays beside the model exchanges (stdlib §4.6).

The interpreter runs every such call through `provider.effects.run(site, compute)`: live it just
computes; under `--record` the value is also written; under `--replay` it comes from the cassette.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

Compute = Callable[[], Awaitable[Any] | Any]


class Effects:
    """Live effects: the computation runs, nothing is kept."""

    async def run(self, site: str, compute: Compute) -> Any:
        value = compute()
        if inspect.isawaitable(value):
            value = await value
        return value


LIVE_EFFECTS = Effects()
