"""WASM tools: WASI modules run in a wasmtime sandbox (S§5.2, diagnostics E401/E402).

The API the VM calls::

    from nexa_avm.wasm import WasmLimits, WasmTool, ToolError, tool_from_declaration

    tool = WasmTool("tools/word_count.wasm", WasmLimits(max_cpu_time_ms=1000), name="word_count")
    result = tool.call({"text": "one two three"})      # or: await tool.call_async({...})
    if isinstance(result, ToolError):
        raise result.to_nexa_error()                    # from Nexa code: a catchable ToolError
        # for a model: result.text() == "Error: E401 vm-execution-failed: tool 'word_count' …"
    else:
        ...                                             # the tool's JSON, parsed ({"words": 3})

    # a declared `tool X { wasm: "…", … }` (nexa_lang.ast.ToolDecl) of the file `path`:
    tool = tool_from_declaration(decl, path)           # paths relative to the declaring file

In a run, `nexa_avm.tools_wasm` does this for the interpreter: argument binding and E302, the
preopen check against the run's sandbox, and the call off the event loop.

`call` never raises for anything the module does: a broken limit, a trap, a refused path, a missing
or unlinkable module and a non-zero exit all come back as a `ToolError` (code, message, detail),
and the next call starts from a fresh instance. `run(arguments)` gives the whole `CallOutcome`
(stderr, exit status, output size, time) for traces.

ABI: the module is a WASI preview 1 *command* exporting `_start`. The arguments arrive as one JSON
object on stdin; the result is the JSON written to stdout (plain text is returned as a string,
empty output as None); exit status 0 means success, anything else is E104 with the last line of
stderr. Only `wasi_snapshot_preview1` functions may be imported. `sdk/wasm/` has a C header, a WAT
template and examples; `python -m nexa_avm.wasm.build` (`nexa tool build`) compiles them.

How a declaration maps (keys of S§5.2; defaults are the seed's):

| key | here |
| --- | --- |
| `wasm: "path"` | `WasmTool.path`, resolved against the declaring file's directory |
| `max_memory_pages` (256) | store limit on linear memory: 256 × 64 KiB |
| `max_table_elements` (1024) | store limit on table elements |
| `max_cpu_time_ms` (5000) | epoch deadline (engine.py); E401 "CPU time limit of 5000 ms reached" |
| `max_output_bytes` (10 MiB) | stdout is cut there and the call stops (E401); file writes share the budget |
| `allowed_paths` ([]) | read-only preopens, seen by the tool under the declared name |
| `writable_paths` ([]) | writable preopens |
| `network` (false) | must stay false: no sockets are granted, `sock_*` calls are E402 |

Modules: limits.py (the limits and preopens), engine.py (engine with its instance pool, linker, CPU
clock), hostcalls.py (the WASI calls the sandbox watches), cache.py (compiled modules on disk and in
memory), sandbox.py (`WasmTool`), capi.py (the C API calls of a call's hot path), declaration.py
(from a `ToolDecl`), errors.py (`ToolError`), build.py (`nexa tool build`). bench/wasm.py measures
a call (warm: about 100-150 µs for a trivial tool on the 2-core CI machine).
"""

from nexa_avm.wasm.declaration import tool_from_declaration
from nexa_avm.wasm.errors import ToolError
from nexa_avm.wasm.limits import Preopen, WasmLimits
from nexa_avm.wasm.sandbox import CallOutcome, WasmTool

__all__ = ["CallOutcome", "Preopen", "ToolError", "WasmLimits", "WasmTool", "tool_from_declaration"]
