"""`nexa tool build FILE.c|FILE.wat -o FILE.wasm`: compile a tool for the WASM sandbox.

* `.c`: `clang --target=wasm32-wasi -O2 -I <sdk/wasm> -Wl,--strip-all` (Debian: `clang`, `lld`,
  `wasi-libc`, `libclang-rt-dev-wasm32`; scripts/install-wasm-toolchain installs them). The SDK
  directory (nexa_tool.h) is found beside the sources of this package or through `NEXA_WASM_SDK`.
* `.wat`: wabt's `wat2wasm` when it is installed, else the text-format compiler built into the
  `wasmtime` package (same output for the text format the SDK uses).

The result is then checked the way the sandbox will load it: a valid module that exports `_start`
and imports nothing but `wasi_snapshot_preview1` functions. `build_tool` raises `BuildError`;
`main(argv)` prints `nexa tool build: error: …` and returns 1 (2 for bad usage).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import wasmtime

WASI = "wasi_snapshot_preview1"


class BuildError(Exception):
    pass


def sdk_directory() -> Path | None:
    """Where nexa_tool.h is: `NEXA_WASM_SDK`, or sdk/wasm of the source tree this package is in."""
    configured = os.environ.get("NEXA_WASM_SDK")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[3] / "sdk" / "wasm")
    return next((c for c in candidates if (c / "nexa_tool.h").is_file()), None)


def find_clang() -> str | None:
    return shutil.which(os.environ.get("NEXA_CLANG", "clang"))


def find_wat2wasm() -> str | None:
    return shutil.which("wat2wasm")


def build_tool(source: str | os.PathLike[str], output: str | os.PathLike[str]) -> Path:
    """Compile `source` (.c or .wat) to the module `output`; returns the output path."""
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise BuildError(f"no such file '{source}'")
    output.parent.mkdir(parents=True, exist_ok=True)
    suffix = source.suffix.lower()
    if suffix == ".c":
        _compile_c(source, output)
    elif suffix == ".wat":
        _assemble_wat(source, output)
    else:
        raise BuildError(f"cannot build '{source}': expected a .c or .wat file")
    check_module(output.read_bytes(), str(output))
    return output


def _compile_c(source: Path, output: Path) -> None:
    clang = find_clang()
    if clang is None:
        raise BuildError(
            "clang is not installed; install clang, lld, wasi-libc and libclang-rt-dev-wasm32 "
            "(scripts/install-wasm-toolchain)"
        )
    command = [clang, "--target=wasm32-wasi", "-O2", "-Wall", "-Wl,--strip-all"]
    sdk = sdk_directory()
    if sdk is not None:
        command += ["-I", str(sdk)]
    command += ["-o", str(output), str(source)]
    _run(command)


def _assemble_wat(source: Path, output: Path) -> None:
    wat2wasm = find_wat2wasm()
    if wat2wasm is not None:
        _run([wat2wasm, str(source), "-o", str(output)])
        return
    try:
        binary = wasmtime.wat2wasm(source.read_text(encoding="utf-8"))
    except wasmtime.WasmtimeError as exc:
        raise BuildError(f"{source}: {str(exc).strip()}") from None
    with tempfile.NamedTemporaryFile(dir=output.parent, delete=False) as partial:
        partial.write(bytes(binary))
    os.replace(partial.name, output)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"{Path(command[0]).name} failed:\n{(done.stderr or done.stdout).strip()}")
    if done.stderr.strip():
        print(done.stderr.rstrip(), file=sys.stderr)


def check_module(binary: bytes, label: str) -> None:
    """Raise BuildError unless the sandbox could run `binary` (valid, `_start`, WASI imports only)."""
    engine = wasmtime.Engine()
    try:
        module = wasmtime.Module(engine, binary)
    except wasmtime.WasmtimeError as exc:
        raise BuildError(f"{label} is not a valid module: {str(exc).strip().splitlines()[0]}") from None
    foreign = [f"{i.module}.{i.name}" for i in module.imports if i.module != WASI]
    if foreign:
        raise BuildError(f"{label} imports {', '.join(foreign)}; the sandbox provides only {WASI} functions")
    if not any(e.name == "_start" for e in module.exports):
        raise BuildError(f"{label} exports no _start function (a WASI command is required)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="nexa tool build", description="Compile a C or WAT source into a WASM tool module."
    )
    parser.add_argument("source", help="FILE.c or FILE.wat")
    parser.add_argument("-o", "--output", help="the module to write (default: FILE.wasm)")
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    source = Path(options.source)
    output = Path(options.output) if options.output else source.with_suffix(".wasm")
    try:
        built = build_tool(source, output)
    except BuildError as exc:
        print(f"nexa tool build: error: {exc}", file=sys.stderr)
        return 1
    print(f"built {built} ({built.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
