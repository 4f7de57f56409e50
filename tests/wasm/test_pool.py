"""Instances from wasmtime's pooling allocator (engine.py): every call still starts from the
module's initial state, calls beyond the pool's slots wait instead of failing, and modules or limits
a slot cannot hold run on the on-demand allocator with the same results."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from nexa_avm.wasm import ToolError, WasmLimits, WasmTool
from nexa_avm.wasm.cache import ModuleCache
from nexa_avm.wasm.engine import POOL_TABLE_ELEMENTS, Runtime


@pytest.fixture(scope="module")
def two_slots(tmp_path_factory: pytest.TempPathFactory) -> ModuleCache:
    runtime = Runtime(pool_slots=2)
    assert runtime.pooled, "this machine refused the pool's address space"
    return ModuleCache(runtime, tmp_path_factory.mktemp("two-slot-cache"))


@pytest.fixture
def small_pool_tool(module_dir: Path, two_slots: ModuleCache) -> Callable[..., WasmTool]:
    def make(name: str, **limits: int) -> WasmTool:
        return WasmTool(module_dir / f"{name}.wasm", WasmLimits(**limits), name=name, cache=two_slots)

    return make


def test_every_call_starts_from_the_initial_state(make_tool):
    tool = make_tool("fresh_state")
    assert [tool.call({}) for _ in range(5)] == [0] * 5


def test_a_reused_pool_slot_starts_from_the_initial_state(small_pool_tool):
    tool, other = small_pool_tool("fresh_state"), small_pool_tool("memory_bomb")
    for _ in range(5):  # two slots: the same ones over and over, also after a memory bomb
        assert tool.call({}) == 0
        assert isinstance(other.call({}), ToolError)


def test_calls_beyond_the_pool_slots_wait_for_one(small_pool_tool):
    echo, spin, bomb = (
        small_pool_tool("echo"),
        small_pool_tool("spin", max_cpu_time_ms=20),
        small_pool_tool("memory_bomb"),
    )

    def one(i: int) -> object:
        if i % 5 == 0:
            return spin.call({})
        if i % 5 == 1:
            return bomb.call({})
        return echo.call({"i": i})

    with ThreadPoolExecutor(max_workers=8) as workers:
        results = list(workers.map(one, range(40)))
    for i, result in enumerate(results):
        if i % 5 in (0, 1):
            assert isinstance(result, ToolError) and result.code == "E401", result
        else:
            assert result == {"i": i}
    assert echo.call({"after": True}) == {"after": True}  # no slot was lost


def test_a_module_with_more_memories_than_a_slot_runs_on_demand(make_tool):
    assert make_tool("two_memories").call({}) == 2


def test_a_table_larger_than_a_slot_runs_on_demand(make_tool):
    assert make_tool("table_huge", max_table_elements=200_000).call({}) is None
    result = make_tool("table_huge").call({})  # the tool's own limit still refuses it
    assert isinstance(result, ToolError)
    assert result.message == "tool 'table_huge' stopped: table limit of 1024 elements reached"


def test_a_table_limit_above_a_slot_is_reached_on_demand(make_tool):
    limit = POOL_TABLE_ELEMENTS + 50_000  # a pool slot would stop table.grow at its own size
    result = make_tool("table_bomb", max_table_elements=limit).call({})
    assert isinstance(result, ToolError)
    assert result.message == f"tool 'table_bomb' stopped: table limit of {limit} elements reached"


def test_a_pool_larger_than_the_address_space_gives_the_on_demand_allocator(module_dir, tmp_path):
    runtime = Runtime(pool_slots=10**7)  # ~40 PiB: more than any machine maps (wasmtime would abort)
    assert not runtime.pooled and runtime.ticker.capacity is None
    tool = WasmTool(module_dir / "echo.wasm", cache=ModuleCache(runtime, tmp_path))
    assert tool.call({"ok": 1}) == {"ok": 1}
