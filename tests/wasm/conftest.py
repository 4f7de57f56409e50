"""Fixtures of the WASM sandbox tests: a module cache in a temporary directory (never the working
directory's `.nexa_cache/`), and `make_tool(name, **limits)` for the modules of tests/wasm/modules/
(WAT, assembled with the text-format compiler built into the wasmtime package)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import wasmtime

from nexa_avm.wasm import WasmLimits, WasmTool
from nexa_avm.wasm.cache import ModuleCache
from nexa_avm.wasm.engine import sandbox_runtime

MODULES = Path(__file__).resolve().parent / "modules"


@pytest.fixture(scope="session")
def module_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wasm-modules")
    for source in MODULES.glob("*.wat"):
        (directory / f"{source.stem}.wasm").write_bytes(bytes(wasmtime.wat2wasm(source.read_text())))
    return directory


@pytest.fixture(scope="session")
def cache(tmp_path_factory: pytest.TempPathFactory) -> ModuleCache:
    return ModuleCache(sandbox_runtime(), tmp_path_factory.mktemp("wasm-cache"))


@pytest.fixture
def make_tool(module_dir: Path, cache: ModuleCache) -> Callable[..., WasmTool]:
    def make(name: str, limits: WasmLimits | None = None, **keys: Any) -> WasmTool:
        return WasmTool(module_dir / f"{name}.wasm", limits or WasmLimits(**keys), name=name, cache=cache)

    return make


@pytest.fixture
def echo(make_tool: Callable[..., WasmTool]) -> WasmTool:
    return make_tool("echo")
