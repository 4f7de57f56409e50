"""WASM tools in the Agent VM (S§5.2, §5.4, §5.5): `nexa run` of programs that declare
`tool X { wasm: "…" }`, call it from flows and offer it to agents (the offline model calls tools
through `@call` lines, S§4.5.5), with the sandbox's preopen check (S§0.3) and `nexa tool build`.

Programs run in-process through the real command (`nexa_avm.cli.main`) in a temporary folder that
is also the working directory; the module cache goes to that folder too (`NEXA_WASM_CACHE`)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from nexa_avm.cli import main
from nexa_avm.tools_wasm import WasmToolset, sandbox_permits

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "sdk" / "wasm"
NEXA = Path(sys.executable).with_name("nexa")


@dataclass
class Outcome:
    code: int
    out: str
    err: str


Runner = Callable[..., Outcome]


@pytest.fixture
def program_dir(tmp_path: Path, module_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A program folder (the working directory) with tools/: the test modules and word_count."""
    folder = tmp_path / "program"
    tools = folder / "tools"
    tools.mkdir(parents=True)
    for module in module_dir.glob("*.wasm"):
        shutil.copy(module, tools / module.name)
    shutil.copy(SDK / "examples" / "word_count.wasm", tools / "word_count.wasm")
    shutil.copy(SDK / "examples" / "read_file.wasm", tools / "read_file.wasm")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NEXA_WASM_CACHE", str(tmp_path / "wasm-cache"))
    for name in ("NEXA_PROVIDER", "NEXA_TRACE", "NEXA_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def nexa(program_dir: Path) -> Runner:
    """`nexa(source, *options)`: `nexa run main.nx --no-cache …` → exit code, stdout, stderr."""

    def run(source: str, *options: str) -> Outcome:
        (program_dir / "main.nx").write_text(source, encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        code = main(["run", "main.nx", "--no-cache", *options], out, err)
        return Outcome(code, out.getvalue(), err.getvalue())

    return run


TOOLS = (
    'tool spin { wasm: "tools/spin.wasm", description: "Busy loop", parameters: {}, max_cpu_time_ms: 100 }\n'
    'tool echo { wasm: "tools/echo.wasm", description: "Echo the arguments", '
    'parameters: {"text": "string", "times": {"type": "integer", "default": 1}} }\n'
    "tool word_count {\n"
    '    wasm: "tools/word_count.wasm",\n'
    '    description: "Count words",\n'
    '    parameters: {"text": "string"},\n'
    "    max_memory_pages: 32\n"
    "}\n"
)


# ---- the example program


def test_the_example_program_runs_offline_and_prints_the_counts(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("NEXA_PROVIDER", "NEXA_TRACE", "NEXA_MODEL")}
    env["NEXA_WASM_CACHE"] = str(tmp_path / "wasm-cache")
    done = subprocess.run(
        [str(NEXA), "run", str(REPO / "examples" / "wasm_tools.nx"), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "the draft has 7 words and 46 characters\n"
        "[Editor] WebAssembly tools run in a sandbox. 沙箱里的工具很安全。\n"
    )


# ---- calls from flows


def test_a_flow_calls_a_wasm_tool_with_positional_and_named_arguments(nexa):
    outcome = nexa(
        TOOLS + "flow main {\n"
        '    print(word_count("one two three")["words"])\n'
        '    print(echo("hi", 2))\n'
        '    print(echo(text="named"))\n'
        '    print(echo.run(text="run", times=3))\n'
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == [
        "3",
        '{"text": "hi", "times": 2}',
        '{"text": "named", "times": 1}',
        '{"text": "run", "times": 3}',
    ]


def test_a_hostile_tool_raises_e401_that_catch_sees_and_the_next_call_works(nexa):
    outcome = nexa(
        TOOLS + "flow main {\n"
        "    try { spin() } catch (ToolError e) { print(e.code, e.message) }\n"
        '    print(word_count("still working")["words"])\n'
        '    r = spin() otherwise "stopped at the CPU limit"\n'
        "    print(r)\n"
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == [
        "E401 tool 'spin' stopped: CPU time limit of 100 ms reached",
        "2",
        "stopped at the CPU limit",
    ]


def test_an_uncaught_tool_error_ends_the_run_with_the_coded_report(nexa):
    outcome = nexa(TOOLS + "flow main {\n    spin()\n}\n")
    assert outcome.code == 1
    assert "E401" in outcome.err and "CPU time limit of 100 ms reached" in outcome.err
    assert "main.nx:" in outcome.err and "Traceback" not in outcome.err


def test_arguments_that_do_not_fit_the_schema_at_run_time_are_e302(nexa):
    outcome = nexa(
        TOOLS + "flow main {\n"
        '    n = len("five!")\n'
        "    try { echo(n) } catch (e) { print(e.code, e.message) }\n"
        '    try { echo("a", times=n * 0.5) } catch (e) { print(e.code, e.message) }\n'
        '    print(echo("b", times=n * 1.0)["times"])\n'
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == [
        "E302 invalid arguments for 'echo': 'text' must be a string, found an integer",
        "E302 invalid arguments for 'echo': 'times' must be an integer, found a number",
        "5",
    ]


def test_bad_arguments_from_a_model_are_e302_text(nexa):
    outcome = nexa(
        TOOLS + 'agent Counter uses word_count { model: "offline", prompt: "Count." }\n'
        'flow main {\n    print(Counter.run("x\\n@call word_count {\\"txt\\": \\"a\\"}"))\n}\n'
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == [
        "[Counter] x",
        "word_count -> Error: E302 invalid-tool-arguments: invalid arguments for 'word_count': "
        "unknown argument 'txt'; missing 'text'",
    ]


def test_a_missing_module_is_e104(nexa):
    outcome = nexa(
        'tool gone { wasm: "tools/gone.wasm", description: "d", parameters: {} }\n'
        "flow main {\n    try { gone() } catch (e) { print(e.code, e.kind) }\n}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out == "E104 ToolError\n"


# ---- the sandbox


def test_allowed_paths_outside_the_program_directory_and_fs_read_are_e402(nexa):
    outcome = nexa(
        "tool reader {\n"
        '    wasm: "tools/read_file.wasm", description: "Read a file", parameters: {"path": "string"},\n'
        '    allowed_paths: ["/etc"]\n'
        "}\n"
        "flow main {\n"
        '    try { reader("/etc/hostname") } catch (ToolError e) { print(e.code, e.message) }\n'
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out == (
        "E402 preopen of '/etc' denied: tool 'reader' names it in allowed_paths, outside the sandbox; "
        "allow it with --allow-read or [sandbox] fs_read\n"
    )


def test_allowed_paths_inside_the_program_directory_are_read(nexa, program_dir: Path):
    (program_dir / "data").mkdir()
    (program_dir / "data" / "note.txt").write_text("沙箱 ok", encoding="utf-8")
    outcome = nexa(
        "tool reader {\n"
        '    wasm: "tools/read_file.wasm", description: "Read a file", parameters: {"path": "string"},\n'
        '    allowed_paths: ["data"]\n'
        "}\n"
        "flow main {\n"
        '    print(reader("data/note.txt")["text"])\n'
        '    try { reader("/etc/passwd") } catch (e) { print(e.code) }\n'
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == ["沙箱 ok", "E402"]


def test_writable_paths_need_fs_write(nexa):
    outcome = nexa(
        "tool writer {\n"
        '    wasm: "tools/read_file.wasm", description: "Append", parameters: {"path": "string"},\n'
        '    writable_paths: ["out"]\n'
        "}\n"
        'flow main {\n    try { writer("out/x.txt") } catch (e) { print(e.code, e.detail["action"]) }\n}\n'
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out == "E402 preopen\n"


class _Sandbox:
    """The interface the VM's sandbox offers (`nexa_avm.sandbox.Sandbox`): fs_read allows /srv."""

    def asset(self, path: str, action: str) -> str:
        if path.startswith("/srv"):
            return path
        from nexa_avm.sandbox import Denied

        raise Denied(f"{action} denied")

    def writable(self, path: str, action: str) -> str:
        from nexa_avm.sandbox import Denied

        raise Denied(f"{action} denied")


class _VM:
    def __init__(self, sandbox: object | None) -> None:
        self.sandbox = sandbox
        self.program = type("P", (), {"module": type("M", (), {"file": "/work/app/main.nx"})()})()


def test_permits_asks_the_runs_sandbox_when_it_has_one():
    pytest.importorskip("nexa_avm.sandbox")
    permits = sandbox_permits(_VM(_Sandbox()))
    assert permits(Path("/srv/data"), False) is True
    assert permits(Path("/etc"), False) is False
    assert permits(Path("/srv/data"), True) is False


def test_without_a_sandbox_only_the_program_directory_is_readable_and_nothing_writable():
    permits = sandbox_permits(_VM(None))
    assert permits(Path("/work/app/data"), False) is True
    assert permits(Path("/work/other"), False) is False
    assert permits(Path("/work/app/out"), True) is False


def test_a_refused_preopen_is_built_once_and_given_to_every_call(module_dir: Path):
    from nexa_avm.bytecode import ToolSpecDecl

    asked: list[tuple[Path, bool]] = []

    def permits(path: Path, writable: bool) -> bool:
        asked.append((path, writable))
        return False

    decl = ToolSpecDecl(
        "t", {"wasm": "echo.wasm", "allowed_paths": ["/etc"]}, str(module_dir / "m.nx"), (0, 0)
    )
    toolset = WasmToolset(permits)
    assert toolset.tool_for(decl) is toolset.tool_for(decl)
    assert asked == [(Path("/etc"), False)]


# ---- agents


def test_an_agent_gets_the_wasm_tools_result_through_the_offline_call_mechanism(nexa):
    outcome = nexa(
        TOOLS + 'agent Counter uses word_count { model: "offline", prompt: "Count the words." }\n'
        "flow main {\n"
        '    print(Counter.run("count this\\n@call word_count {\\"text\\": \\"one two three\\"}"))\n'
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out == '[Counter] count this\nword_count -> {"words":3,"lines":1,"characters":13}\n'


def test_a_tool_error_is_text_for_the_model_and_the_run_goes_on(nexa):
    outcome = nexa(
        TOOLS + 'agent Worker uses spin, word_count { model: "offline", prompt: "Work." }\n'
        "flow main {\n"
        '    reply = Worker.run("go\\n@call spin {}\\n@call word_count {\\"text\\": \\"a b\\"}")\n'
        "    print(reply)\n"
        '    print(word_count("after the agent")["words"])\n'
        "}\n"
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines() == [
        "[Worker] go",
        "spin -> Error: E401 vm-execution-failed: tool 'spin' stopped: CPU time limit of 100 ms reached",
        'word_count -> {"words":2,"lines":1,"characters":3}',
        "3",
    ]


def test_a_tool_the_agent_does_not_use_is_not_offered(nexa):
    outcome = nexa(
        TOOLS + 'agent Plain { model: "offline", prompt: "Talk." }\n'
        'flow main {\n    print(Plain.run("hi\\n@call word_count {\\"text\\": \\"a\\"}"))\n}\n'
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out == '[Plain] hi @call word_count {"text": "a"}\n'  # echoed, not called


# ---- nexa tool build


def test_nexa_tool_build_assembles_the_sdk_template_and_the_vm_runs_it(tmp_path: Path, nexa, program_dir):
    built = program_dir / "tools" / "template.wasm"
    done = subprocess.run(
        [str(NEXA), "tool", "build", str(SDK / "template.wat"), "-o", str(built)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"built {built} (")
    outcome = nexa(
        'tool template { wasm: "tools/template.wasm", description: "Size of the arguments", '
        'parameters: {"a": "int"} }\nflow main { print(template(1)) }\n'
    )
    assert outcome.code == 0, outcome.err
    assert outcome.out == '{"bytes": 7}\n'


def test_nexa_tool_build_reports_a_bad_source_with_exit_1(tmp_path: Path):
    source = tmp_path / "broken.wat"
    source.write_text("(module (func $f (result i32)))\n")
    done = subprocess.run(
        [str(NEXA), "tool", "build", str(source), "-o", str(tmp_path / "broken.wasm")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("nexa tool build: error:")
