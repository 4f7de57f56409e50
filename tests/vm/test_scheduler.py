"""The scheduler (scheduler.py): each strategy's order when runs wait for a slot, the bound on
concurrent runs, per-model rate limits on a fake clock and on short real intervals, and the
`[scheduler]` section and `nexa run` flags."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from nexa_avm.scheduler import Scheduler


async def served(
    scheduler: Scheduler, holders: list[str], queue: list[tuple[str, float, float]]
) -> list[str]:
    """`holders` take slots first; `queue` (name, priority, weight) then waits in this order; the
    first holder releases its slot and every run releases as soon as it starts. Returns the order in
    which the queued runs got a slot."""
    for name in holders:
        await scheduler.acquire(name)

    async def run(name: str, priority: float, weight: float) -> None:
        async with scheduler.slot(name, priority, weight):
            await asyncio.sleep(0)

    tasks = []
    for name, priority, weight in queue:
        tasks.append(asyncio.create_task(run(name, priority, weight)))
        await asyncio.sleep(0)  # queued in this order
    before = len(scheduler.started)
    scheduler.release(holders[0])
    await asyncio.gather(*tasks)
    return scheduler.started[before:]


def order(
    strategy: str, queue: list[tuple[str, float, float]], holders: list[str], bound: int = 1
) -> list[str]:
    return asyncio.run(served(Scheduler(bound, strategy), holders, queue))


def plain(*names: str) -> list[tuple[str, float, float]]:
    return [(name, 0, 1) for name in names]


def test_round_robin_takes_turns_between_names():
    assert order("round_robin", plain("A", "A", "A", "B", "B", "C"), ["X"]) == ["A", "B", "C", "A", "B", "A"]


def test_least_loaded_prefers_the_name_with_fewest_running():
    # A already holds one slot of two; when X releases, B (nothing running) goes before A's waiters
    assert order("least_loaded", plain("A", "A", "B"), ["X", "A"], bound=2) == ["B", "A", "A"]


def test_weighted_fair_shares_slots_by_weight():
    queue = [("B", 0, 1)] * 3 + [("A", 0, 3)] * 3
    assert order("weighted_fair", queue, ["X"]) == ["A", "A", "B", "A", "B", "B"]


def test_priority_goes_first_then_arrival():
    queue = [("low", 0, 1), ("high", 5, 1), ("mid", 2, 1), ("high2", 5, 1)]
    assert order("priority", queue, ["X"]) == ["high", "high2", "mid", "low"]


def test_adaptive_is_priority_then_the_least_served_name():
    queue = [("A", 0, 1), ("A", 0, 1), ("B", 0, 1), ("C", 1, 1)]
    assert order("adaptive", queue, ["A"]) == ["C", "B", "A", "A"]


def test_fifo_when_nothing_distinguishes_the_waiters():
    for strategy in ("least_loaded", "priority", "adaptive"):
        assert order(strategy, plain("A", "B", "C"), ["X"]) == ["A", "B", "C"]


def test_nested_work_of_a_slot_holder_does_not_take_another_slot():
    async def main() -> list[str]:
        scheduler = Scheduler(1)
        async with scheduler.slot("outer"):
            async with scheduler.slot("inner"):  # would deadlock with a bound of 1 otherwise
                pass
        return scheduler.started

    assert asyncio.run(main()) == ["outer"]


def test_an_unknown_strategy_is_refused():
    with pytest.raises(ValueError):
        Scheduler(1, "random")


def test_rate_limit_spaces_requests_on_a_fake_clock():
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    async def main() -> list[float]:
        scheduler = Scheduler(rate_limits=[("gpt-*", 2), ("offline*", 60)], clock=lambda: now[0], sleep=sleep)
        waits = [await scheduler.before_request("gpt-4o") for _ in range(3)]
        waits.append(await scheduler.before_request("claude-3"))  # no pattern: never waits
        waits.append(await scheduler.before_request("offline/x"))
        return waits

    assert asyncio.run(main()) == [0.0, 30.0, 30.0, 0.0, 0.0]
    assert now[0] == 60.0


def test_rate_limit_from_nexa_toml_delays_real_requests(nexa, tmp_path: Path):
    (tmp_path / "nexa.toml").write_text('[scheduler.rate_limits]\n"off*" = 600\n', encoding="utf-8")
    source = 'agent A { prompt: "p" }\nflow main { for each i in [1, 2, 3] { A.run(i) }\n print("done") }\n'
    started = time.monotonic()
    outcome = nexa(source)
    elapsed = time.monotonic() - started
    assert (outcome.code, outcome.out) == (0, "done\n"), outcome.err
    assert elapsed >= 0.2  # three requests 0.1 s apart


FANOUT = 'agent W { prompt: "p" }\nflow main { r = ["a", "b", "c", "d"] |>> W\n print(r) }\n'


def test_max_concurrent_bounds_a_fan_out(nexa, monkeypatch):
    monkeypatch.setenv("NEXA_OFFLINE_LATENCY_MS", "100")
    started = time.monotonic()
    outcome = nexa(FANOUT, "--max-concurrent", "1", "--strategy", "round_robin")
    serial = time.monotonic() - started
    assert outcome.out == '["[W] a", "[W] b", "[W] c", "[W] d"]\n', outcome.err
    started = time.monotonic()
    assert nexa(FANOUT, "--max-concurrent", "4").out == outcome.out
    parallel = time.monotonic() - started
    assert serial >= 0.4 and parallel < serial


def test_fork_merge_branches_run_concurrently_under_the_bound(nexa, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("NEXA_OFFLINE_LATENCY_MS", "150")
    source = (
        'agent A { prompt: "p" }\nagent B { prompt: "q" }\n'
        'flow main { print(fork [A.run("x"), B.run("y")] merge all) }\n'
    )
    started = time.monotonic()
    assert nexa(source).out == '["[A] x", "[B] y"]\n'
    together = time.monotonic() - started
    (tmp_path / "nexa.toml").write_text(
        '[scheduler]\nmax_concurrent = 1\nstrategy = "priority"\n', encoding="utf-8"
    )
    started = time.monotonic()
    assert nexa(source).out == '["[A] x", "[B] y"]\n'
    alone = time.monotonic() - started
    assert alone >= 0.3 and together < alone


def test_max_concurrent_below_one_is_refused(nexa):
    outcome = nexa("flow main { print(1) }\n", "--max-concurrent", "0")
    assert (outcome.code, outcome.err) == (
        2,
        "nexa: E202 invalid configuration value for '--max-concurrent': expected an integer of at least 1,"
        " found 0\n",
    )
