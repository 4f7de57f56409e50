"""`std.time` — clock (S§2.3). Class clock; times are local unless they carry an offset."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from . import Param, Registry, StdCall

registry = Registry("time")
_UNITS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0}


def _parse(call: StdCall, text: str, name: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise call.bad_argument(f"'{name}' is not an ISO-8601 time: {text!r}") from None


@registry.function("clock", "The current local time", Param("format", "str", "%Y-%m-%d %H:%M:%S"))
def time_now(call: StdCall, format: str) -> str:
    return datetime.now().strftime(format)


@registry.function(
    "clock",
    "The time between two ISO-8601 times",
    Param("start", "str"),
    Param("end", "str"),
    Param("unit", "str", "seconds"),
)
def time_diff(call: StdCall, start: str, end: str, unit: str) -> dict[str, Any]:
    if unit not in _UNITS:
        raise call.bad_argument(f"unit must be seconds, minutes, hours or days, not {unit!r}")
    first, second = _parse(call, start, "start"), _parse(call, end, "end")
    if (first.tzinfo is None) != (second.tzinfo is None):
        # S§2.3: a time without an offset is local time, so it can be compared with one that has it.
        first, second = first.astimezone(), second.astimezone()
    delta = second - first
    seconds = delta.total_seconds()
    value = seconds / _UNITS[unit]
    return {
        "value": int(value) if value.is_integer() else value,
        "unit": unit,
        # Whole days with the sign of the difference (-1.5 days is -1, not timedelta's floor -2).
        "days": int(seconds / 86400),
        "seconds": seconds,
    }


@registry.function(
    "clock",
    "Format an ISO-8601 time with strftime directives",
    Param("iso_string", "str"),
    Param("format", "str", "%Y-%m-%d %H:%M:%S"),
)
def time_format(call: StdCall, iso_string: str, format: str) -> str:
    return _parse(call, iso_string, "iso_string").strftime(format)


@registry.function("clock", "Sleep for a number of seconds (at most 3600)", Param("seconds", "number"))
async def time_sleep(call: StdCall, seconds: float) -> dict[str, Any]:
    if seconds < 0 or seconds > 3600:
        raise call.bad_argument("seconds must be between 0 and 3600")
    await asyncio.sleep(seconds)
    return {"sleep": seconds}


@registry.function("clock", "The current unix time in seconds")
def time_timestamp(call: StdCall) -> dict[str, Any]:
    return {"timestamp": int(time.time())}
