"""The ABI (JSON in on stdin, JSON out on stdout, exit status), the error values, async calls, the
module cache and memory use over many calls."""

import asyncio
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from nexa_avm.errors import NexaError
from nexa_avm.wasm import ToolError, WasmTool
from nexa_avm.wasm.cache import ModuleCache
from nexa_avm.wasm.engine import sandbox_runtime

EXAMPLES = Path(__file__).resolve().parents[2] / "sdk" / "wasm" / "examples"


def test_the_arguments_arrive_as_json_and_the_result_is_parsed(echo):
    arguments = {"text": "中文 and emoji 🙂", "n": 3, "nested": {"list": [1, 2.5, None, True]}}
    assert echo.call(arguments) == arguments


def test_large_arguments_arrive_whole(echo):
    arguments = {"text": "词" * 200_000}
    assert echo.call(arguments) == arguments


def test_output_that_is_not_json_is_returned_as_text(make_tool):
    assert make_tool("plain_text").call({}) == "hello, 世界"


def test_empty_output_is_none(make_tool):
    assert make_tool("memory_too_big", max_memory_pages=400).call({}) is None


def test_a_non_zero_exit_is_e104_with_the_last_stderr_line(make_tool):
    outcome = make_tool("exit_failure").run({})
    assert outcome.error == ToolError(
        "E104", "exit_failure: exited with status 3: bad input", "exit_failure", {"exit_code": 3}
    )
    assert outcome.stderr == "warming up\nbad input\n"
    assert outcome.exit_code == 3


def test_a_tool_error_becomes_a_catchable_nexa_tool_error(make_tool):
    error = make_tool("spin", max_cpu_time_ms=20).call({})
    assert isinstance(error, ToolError)
    raised = error.to_nexa_error()
    assert isinstance(raised, NexaError)
    assert (raised.kind, raised.code) == ("ToolError", "E401")
    assert raised.detail["tool"] == "spin" and raised.detail["limit"] == "CPU time"


def test_a_tool_error_as_model_text(make_tool):
    error = make_tool("spin", max_cpu_time_ms=20).call({})
    assert (
        error.text()
        == "Error: E401 vm-execution-failed: tool 'spin' stopped: CPU time limit of 20 ms reached"
    )


def test_word_count_counts_words_lines_and_code_points(cache):
    tool = WasmTool(EXAMPLES / "word_count.wasm", cache=cache)
    assert tool.call({"text": "WebAssembly tools run.\n沙箱 里的 工具"}) == {
        "words": 6,
        "lines": 2,
        "characters": 31,
    }
    assert tool.call({"text": ""}) == {"words": 0, "lines": 0, "characters": 0}


def test_word_count_without_text_fails_with_its_message(cache):
    result = WasmTool(EXAMPLES / "word_count.wasm", cache=cache).call({"txt": "typo"})
    assert isinstance(result, ToolError)
    assert result.message == "word_count: exited with status 1: argument 'text' (a string) is required"


async def test_calls_run_concurrently_from_async_code(echo, make_tool):
    spin = make_tool("spin", max_cpu_time_ms=200)
    results = await asyncio.gather(spin.call_async({}), *(echo.call_async({"i": i}) for i in range(8)))
    assert isinstance(results[0], ToolError) and results[0].detail["limit"] == "CPU time"
    assert results[1:] == [{"i": i} for i in range(8)]


def test_a_compiled_module_is_read_back_from_the_cache_directory(tmp_path, module_dir):
    first = ModuleCache(sandbox_runtime(), tmp_path)
    assert WasmTool(module_dir / "echo.wasm", cache=first).load() == "compiled"
    assert len(list(tmp_path.glob("*.cwasm"))) == 1
    second = ModuleCache(sandbox_runtime(), tmp_path)  # a new process would start like this
    tool = WasmTool(module_dir / "echo.wasm", cache=second)
    assert tool.load() == "disk"
    assert tool.call({"x": 1}) == {"x": 1}
    assert WasmTool(module_dir / "echo.wasm", cache=second).load() == "memory"


def test_a_damaged_cache_entry_is_compiled_again(tmp_path, module_dir):
    cache = ModuleCache(sandbox_runtime(), tmp_path)
    WasmTool(module_dir / "echo.wasm", cache=cache).load()
    (entry,) = tmp_path.glob("*.cwasm")
    entry.write_bytes(b"garbage")
    fresh = ModuleCache(sandbox_runtime(), tmp_path)
    tool = WasmTool(module_dir / "echo.wasm", cache=fresh)
    assert tool.load() == "compiled"
    assert tool.call({"ok": True}) == {"ok": True}


def test_the_cache_key_depends_on_the_bytes_and_the_engine(tmp_path):
    cache = ModuleCache(sandbox_runtime(), tmp_path)
    assert cache.key(b"a") != cache.key(b"b")
    other_engine = ModuleCache(SimpleNamespace(fingerprint="wasmtime 99; other config"), tmp_path)
    assert other_engine.key(b"a") != cache.key(b"a")


def test_a_changed_module_file_is_loaded_again(tmp_path, module_dir, cache):
    path = tmp_path / "tool.wasm"
    path.write_bytes((module_dir / "plain_text.wasm").read_bytes())
    tool = WasmTool(path, cache=cache)
    assert tool.call({}) == "hello, 世界"
    path.write_bytes((module_dir / "echo.wasm").read_bytes())
    os.utime(path, ns=(1, 1))
    assert tool.call({"v": 2}) == {"v": 2}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc to read the RSS")
def test_a_thousand_calls_leak_no_memory(echo, make_tool):
    word = WasmTool(EXAMPLES / "word_count.wasm", cache=echo.cache)
    spin = make_tool("unreachable")
    for i in range(200):  # warm up: allocator pools, caches, first-use paths
        echo.call({"i": i})
        word.call({"text": "a b c"})
        spin.call({})
    before = _rss_bytes()
    for i in range(1000):
        assert echo.call({"i": i}) == {"i": i}
        assert word.call({"text": "a b c"})["words"] == 3
        assert isinstance(spin.call({}), ToolError)
    growth = _rss_bytes() - before
    assert growth < 16 * 1024 * 1024, f"RSS grew by {growth / 1e6:.1f} MB over 3,000 calls"


def test_results_survive_a_json_round_trip(echo):
    value = echo.call({"s": '\u2028"quoted"\\'})
    assert json.loads(json.dumps(value)) == {"s": '\u2028"quoted"\\'}
