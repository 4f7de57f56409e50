"""A `tool X { wasm: "…", … }` declaration becomes a WasmTool; examples/wasm_tools.nx checks clean
and its tool runs."""

import subprocess
import sys
from pathlib import Path

from nexa_avm.wasm import ToolError, WasmTool, tool_from_declaration
from nexa_lang import ast
from nexa_lang.lowering import lower
from nexa_lang.parsing import parse

REPO = Path(__file__).resolve().parents[2]


def tool_decls(source: str) -> list[ast.ToolDecl]:
    data = source.encode()
    module = lower(parse(data).root_node, data)
    return [item for item in module.items if isinstance(item, ast.ToolDecl)]


def test_limits_and_paths_come_from_the_declaration(tmp_path, cache):
    (tmp_path / "data").mkdir()
    (decl,) = tool_decls(
        "tool reader {\n"
        '    wasm: "tools/read.wasm",\n'
        '    description: "Read a file",\n'
        '    parameters: {"path": "string"},\n'
        "    max_memory_pages: 64, max_table_elements: 10, max_cpu_time_ms: 250, max_output_bytes: 4096,\n"
        '    allowed_paths: ["./data/"], writable_paths: ["out"]\n'
        "}\n"
    )
    tool = tool_from_declaration(decl, tmp_path / "main.nx", cache=cache)
    assert isinstance(tool, WasmTool)
    assert tool.name == "reader"
    assert tool.path == tmp_path.resolve() / "tools" / "read.wasm"
    limits = tool.limits
    assert (
        limits.max_memory_pages,
        limits.max_table_elements,
        limits.max_cpu_time_ms,
        limits.max_output_bytes,
    ) == (64, 10, 250, 4096)
    assert [(p.host, p.guest, p.is_writable) for p in limits.preopens] == [
        (tmp_path.resolve() / "data", "data", False),
        (tmp_path.resolve() / "out", "out", True),
    ]


def test_defaults_are_the_seeds(tmp_path, cache):
    (decl,) = tool_decls('tool t { wasm: "t.wasm", description: "d" }\n')
    tool = tool_from_declaration(decl, tmp_path / "main.nx", cache=cache)
    assert isinstance(tool, WasmTool)
    limits = tool.limits
    assert (
        limits.max_memory_pages,
        limits.max_table_elements,
        limits.max_cpu_time_ms,
        limits.max_output_bytes,
    ) == (256, 1024, 5000, 10_485_760)
    assert limits.preopens == () and limits.network is False


def test_a_preopen_the_sandbox_refuses_is_e402(tmp_path, cache):
    (decl,) = tool_decls('tool t { wasm: "t.wasm", description: "d", writable_paths: ["out"] }\n')
    result = tool_from_declaration(
        decl, tmp_path / "main.nx", cache=cache, permits=lambda path, write: not write
    )
    assert isinstance(result, ToolError) and result.code == "E402"
    assert "allow it with --allow-write or [sandbox] fs_write" in result.message


def test_the_example_program_checks_clean():
    checker = Path(sys.executable).parent / "nexa-lsp"
    done = subprocess.run(
        [str(checker), "--check", str(REPO / "examples" / "wasm_tools.nx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_programs_tool_runs(cache):
    source = (REPO / "examples" / "wasm_tools.nx").read_text(encoding="utf-8")
    (decl,) = tool_decls(source)
    tool = tool_from_declaration(decl, REPO / "examples" / "wasm_tools.nx", cache=cache)
    assert isinstance(tool, WasmTool)
    assert tool.call({"text": "WebAssembly tools run in a sandbox.\n沙箱里的工具很安全。"}) == {
        "words": 7,
        "lines": 2,
        "characters": 46,
    }
