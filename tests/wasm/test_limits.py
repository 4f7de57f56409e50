"""Hostile modules stop at their limits with E401 naming the limit, and the next call works."""

import time

import pytest

from nexa_avm.wasm import ToolError, WasmTool


def assert_stopped(result: object, code: str, message: str) -> ToolError:
    assert isinstance(result, ToolError), result
    assert (result.code, result.message) == (code, message)
    return result


def test_an_infinite_loop_stops_at_the_cpu_limit(make_tool):
    started = time.perf_counter()
    result = make_tool("spin", max_cpu_time_ms=100).call({})
    elapsed = time.perf_counter() - started
    assert_stopped(result, "E401", "tool 'spin' stopped: CPU time limit of 100 ms reached")
    assert 0.09 < elapsed < 2.0


def test_the_default_cpu_limit_is_named_in_the_message(make_tool):
    tool = make_tool("spin")
    assert tool.limits.max_cpu_time_ms == 5000
    result = make_tool("spin", max_cpu_time_ms=50).call({})
    assert isinstance(result, ToolError) and result.detail["value"] == "50 ms"


def test_a_memory_bomb_stops_at_the_page_limit(make_tool):
    result = make_tool("memory_bomb", max_memory_pages=64).call({})
    assert_stopped(result, "E401", "tool 'memory_bomb' stopped: memory limit of 64 pages reached")


def test_the_default_memory_limit_is_256_pages(make_tool):
    result = make_tool("memory_bomb").call({})
    assert_stopped(result, "E401", "tool 'memory_bomb' stopped: memory limit of 256 pages reached")


def test_a_module_starting_above_the_memory_limit_is_refused(make_tool):
    result = make_tool("memory_too_big").call({})
    assert_stopped(result, "E401", "tool 'memory_too_big' stopped: memory limit of 256 pages reached")


def test_a_module_starting_below_a_raised_memory_limit_runs(make_tool):
    assert make_tool("memory_too_big", max_memory_pages=400).call({}) is None


def test_a_table_bomb_stops_at_the_element_limit(make_tool):
    result = make_tool("table_bomb", max_table_elements=200).call({})
    assert_stopped(result, "E401", "tool 'table_bomb' stopped: table limit of 200 elements reached")


def test_a_module_starting_above_the_table_limit_is_refused(make_tool):
    result = make_tool("table_too_big").call({})
    assert_stopped(result, "E401", "tool 'table_too_big' stopped: table limit of 1024 elements reached")


def test_endless_recursion_stops_at_the_stack_limit(make_tool):
    result = make_tool("deep_recursion").call({})
    assert_stopped(result, "E401", "tool 'deep_recursion' stopped: stack limit of 512 KiB reached")


def test_a_trap_is_e401_naming_the_trap(make_tool):
    result = make_tool("unreachable").call({})
    assert isinstance(result, ToolError) and result.code == "E401"
    assert result.message.startswith("tool 'unreachable' stopped: trap: ")
    assert "unreachable" in result.message


def test_endless_output_is_cut_at_the_output_limit(make_tool):
    outcome = make_tool("huge_output", max_output_bytes=100_000).run({})
    assert_stopped(outcome.error, "E401", "tool 'huge_output' stopped: output limit of 100000 bytes reached")
    assert outcome.stdout_bytes == 100_000


def test_endless_output_stops_at_the_default_limit_of_10_mib(make_tool):
    outcome = make_tool("huge_output", max_cpu_time_ms=20_000).run({})
    assert isinstance(outcome.error, ToolError) and outcome.error.detail["limit"] == "output"
    assert outcome.stdout_bytes == 10_485_760


def test_one_write_past_the_limit_fails_even_when_the_tool_then_returns(make_tool):
    outcome = make_tool("one_big_write", max_output_bytes=1000).run({})
    assert_stopped(outcome.error, "E401", "tool 'one_big_write' stopped: output limit of 1000 bytes reached")
    assert outcome.stdout_bytes == 1000


def test_output_under_the_limit_passes(make_tool):
    assert make_tool("one_big_write", max_output_bytes=100_000).call({}) == "7" * 100_000


@pytest.mark.parametrize(
    ("hostile", "keys"),
    [
        ("spin", {"max_cpu_time_ms": 30}),
        ("memory_bomb", {"max_memory_pages": 16}),
        ("table_bomb", {"max_table_elements": 100}),
        ("deep_recursion", {}),
        ("unreachable", {}),
        ("huge_output", {"max_output_bytes": 1000}),
        ("read_passwd", {}),
        ("socket", {}),
        ("imports_host", {}),
        ("exit_failure", {}),
    ],
)
def test_after_a_hostile_call_the_next_call_works(make_tool, echo: WasmTool, hostile, keys):
    tool = make_tool(hostile, **keys)
    assert isinstance(tool.call({}), ToolError)
    assert echo.call({"after": hostile}) == {"after": hostile}
    assert isinstance(tool.call({}), ToolError)  # and the hostile tool fails the same way again
