"""`nexa tool build`: WAT always (wat2wasm, or wasmtime's own assembler); C when clang with
wasi-libc is installed (scripts/install-wasm-toolchain)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from nexa_avm.wasm import WasmTool
from nexa_avm.wasm.build import BuildError, build_tool, main

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "sdk" / "wasm"


def clang_targets_wasi() -> bool:
    clang = shutil.which("clang")
    if clang is None:
        return False
    probe = subprocess.run(
        [clang, "--target=wasm32-wasi", "-print-file-name=libc.a"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.returncode == 0 and Path(probe.stdout.strip()).is_file()


needs_clang = pytest.mark.skipif(
    not clang_targets_wasi(),
    reason="clang with wasi-libc is not installed (run scripts/install-wasm-toolchain)",
)


def test_the_wat_template_builds_and_runs(tmp_path, cache):
    built = build_tool(SDK / "template.wat", tmp_path / "template.wasm")
    assert WasmTool(built, cache=cache).call({"a": 1}) == {"bytes": 7}


@pytest.mark.skipif(shutil.which("wat2wasm") is None, reason="wabt's wat2wasm is not installed")
def test_wat2wasm_is_used_when_installed(tmp_path, cache):
    built = build_tool(SDK / "template.wat", tmp_path / "t.wasm")
    assert built.read_bytes()[:4] == b"\0asm"


@needs_clang
def test_the_c_examples_build_and_match_the_committed_modules(tmp_path, cache):
    for name in ("word_count", "read_file"):
        built = build_tool(SDK / "examples" / f"{name}.c", tmp_path / f"{name}.wasm")
        assert built.read_bytes() == (SDK / "examples" / f"{name}.wasm").read_bytes(), (
            f"sdk/wasm/examples/{name}.wasm is stale: rebuild it with nexa tool build"
        )


@needs_clang
def test_a_c_tool_using_the_header_builds_and_runs(tmp_path, cache):
    source = tmp_path / "shout.c"
    source.write_text(
        '#include "nexa_tool.h"\n'
        "#include <ctype.h>\n"
        "int main(void) {\n"
        "    char *input = nexa_read_input();\n"
        '    char *text = nexa_get_string(input, "text");\n'
        '    if (!text) nexa_fail("missing text");\n'
        "    for (char *p = text; *p; p++) *p = (char)toupper((unsigned char)*p);\n"
        '    nexa_begin_object(); nexa_key("text"); nexa_string(text);\n'
        '    nexa_key("times"); nexa_number(nexa_get_number(input, "times", 1));\n'
        '    nexa_key("loud"); nexa_bool(nexa_get_bool(input, "loud", 0)); nexa_end_object();\n'
        "    return nexa_finish();\n"
        "}\n"
    )
    assert main([str(source), "-o", str(tmp_path / "shout.wasm")]) == 0
    tool = WasmTool(tmp_path / "shout.wasm", cache=cache)
    assert tool.call({"text": 'say "hi"\n\\ 你好', "times": 2.5, "loud": True}) == {
        "text": 'SAY "HI"\n\\ 你好',
        "times": 2.5,
        "loud": True,
    }


@needs_clang
def test_a_c_compile_error_is_reported(tmp_path, capsys):
    (tmp_path / "bad.c").write_text("int main(void) { return nope; }\n")
    assert main([str(tmp_path / "bad.c"), "-o", str(tmp_path / "bad.wasm")]) == 1
    assert "nexa tool build: error: clang failed" in capsys.readouterr().err


def test_a_module_with_foreign_imports_is_refused(tmp_path):
    (tmp_path / "host.wat").write_text('(module (import "env" "f" (func)) (func (export "_start")))')
    with pytest.raises(BuildError, match="imports env.f; the sandbox provides only wasi_snapshot_preview1"):
        build_tool(tmp_path / "host.wat", tmp_path / "host.wasm")


def test_a_module_without_start_is_refused(tmp_path):
    (tmp_path / "lib.wat").write_text('(module (func (export "run")))')
    with pytest.raises(BuildError, match="exports no _start function"):
        build_tool(tmp_path / "lib.wat", tmp_path / "lib.wasm")


def test_other_suffixes_are_refused(tmp_path, capsys):
    (tmp_path / "tool.rs").write_text("fn main() {}")
    assert main([str(tmp_path / "tool.rs")]) == 1
    assert "expected a .c or .wat file" in capsys.readouterr().err
