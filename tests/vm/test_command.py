"""The `nexa` command: exit codes and output streams (L§7.2), the runtime error report
(diagnostics.md §1.7), refusal of programs with check errors, `nexa test` (L§7.12), `nexa disasm`."""

from __future__ import annotations

import asyncio
import io
import json

from nexa_avm.bytecode import OPCODES, Op, opcode_table_markdown
from nexa_avm.cli import main
from nexa_avm.compiler import compile_program
from nexa_avm.interpreter import Interpreter
from nexa_avm.providers import OfflineProvider
from nexa_lang.model import program_of_text

# ---------------------------------------------------------------------------- exit codes


def test_normal_completion_exits_0(nexa):
    assert nexa('flow main { print("ok") }\n').code == 0


def test_exit_code_is_the_argument_of_exit_and_defers_do_not_run(nexa):
    outcome = nexa('flow main {\n    defer print("deferred")\n    print("a")\n    exit(3)\n}\n')
    assert (outcome.code, outcome.out) == (3, "a\n")


def test_uncaught_error_exits_1_with_the_report_on_stderr(nexa):
    outcome = nexa('flow main {\n    scores = [4, 8, 15]\n    print("中文", scores[3])\n}\n')
    assert outcome.code == 1
    assert outcome.out == ""
    assert outcome.err == (
        "Error: RuntimeError: list index 3 is out of range for a list of 3\n"
        "  --> main.nx:3:17\n"
        "  = code E100 (runtime-error)\n"
    )


def test_unknown_name_at_run_time_is_e108(nexa):
    outcome = nexa('include "lib.nxlib"\nflow main { print(helper()) }\n', name="main.nx")
    assert outcome.code == 2  # lib.nxlib is missing: the program is not run


def test_agent_timeout_points_at_the_call(nexa):
    source = (
        'agent Slow { model: "offline/timeout", timeout: 0.2, retry: 1, prompt: "Answer." }\n'
        'flow main { print(Slow.run("hello")) }\n'
    )
    outcome = nexa(source)
    assert outcome.code == 1
    assert outcome.err == (
        "Error: TimeoutError: agent 'Slow' timed out after 0.2 s on 'offline/timeout' "
        "(1 attempts; fallbacks tried: none)\n"
        "  --> main.nx:2:19\n"
        "  = code E101 (agent-timeout)\n"
    )


def test_program_with_check_errors_is_refused_with_exit_2(nexa):
    outcome = nexa("flow main {\n    print(undefined_thing)\n}\n")
    assert outcome.code == 2
    assert outcome.out == ""
    assert "main.nx:2:11: E001" in outcome.err
    assert "Found 1 diagnostic (1 error) in 1 file." in outcome.err


def test_missing_include_is_refused_with_exit_2(nexa):
    outcome = nexa('include "missing.nxlib"\nflow main { print("x") }\n')
    assert outcome.code == 2
    assert "cannot load program: include 'missing.nxlib' not found\n" in outcome.err


def test_unreadable_file_is_exit_2(nexa, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", str(tmp_path / "nope.nx")], out, err) == 2
    assert "cannot read" in err.getvalue()


def test_a_program_nested_too_deeply_to_check_is_refused_with_its_place_not_a_traceback(nexa):
    # Found by tests/fuzz/mutate.py: a sum of 2000 terms is 2000 nested binary expressions; the
    # front-end's recursion cannot follow it and `nexa run` printed a RecursionError traceback.
    outcome = nexa('flow main {\n    print("题")\n    x = 1' + " + 1" * 2000 + "\n    print(x)\n}\n")
    assert (outcome.code, outcome.out) == (2, "")
    assert outcome.err == "nexa: main.nx:3:9: nested too deeply to check\n"


def test_disasm_of_a_program_nested_too_deeply_is_refused_the_same_way(nexa):
    outcome = nexa("flow main {\n    x = " + "(" * 3000 + "1" + ")" * 3000 + "\n}\n", command="disasm")
    assert outcome.code == 2
    assert outcome.err == "nexa: main.nx:2:3008: nested too deeply to check\n"


def test_a_sum_of_a_hundred_terms_still_runs(nexa):
    outcome = nexa("flow main {\n    x = 1" + " + 1" * 99 + "\n    print(x)\n}\n")
    assert (outcome.code, outcome.out) == (0, "100\n")


def test_warnings_go_to_stderr_and_the_program_runs(nexa):
    outcome = nexa('agent Unused { prompt: "x" }\nflow main { print("ran") }\n')
    assert (outcome.code, outcome.out) == (0, "ran\n")
    assert "W001" in outcome.err


def test_process_exit_codes_and_streams(nexa_process):
    outcome = nexa_process('flow main {\n    print("out")\n    x = 1 / 0\n}\n')
    assert (outcome.code, outcome.out) == (1, "out\n")
    assert outcome.err.startswith("Error: RuntimeError: division by zero\n  --> main.nx:3:9\n")


def test_input_reads_stdin_in_a_process(nexa_process):
    outcome = nexa_process(
        'flow main {\n    name = input("name? ")\n    print("hi " + name)\n}\n', stdin="Ada\n"
    )
    assert (outcome.code, outcome.out) == (0, "name? hi Ada\n")


def test_trace_file_holds_agent_runs(nexa, tmp_path):
    outcome = nexa('agent A { prompt: "x" }\nflow main { A.run("q") }\n', "--trace", "trace.json")
    assert outcome.code == 0
    events = json.loads((tmp_path / "trace.json").read_text(encoding="utf-8"))
    assert [e["event"] for e in events] == ["agent_run"]
    assert events[0]["agent"] == "A"


def test_trace_written_before_the_program_traces_to_stderr_and_leaves_the_source_alone(tmp_path, monkeypatch):
    # `nexa run --trace prog.nx` (R26): the source is the program, never the trace file.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEXA_TRACE", raising=False)
    source = 'agent A { prompt: "x" }\nflow main { print(A.run("q")) }\n'
    (tmp_path / "prog.nx").write_text(source, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", "--trace", "prog.nx"], out, err) == 0
    assert (tmp_path / "prog.nx").read_text(encoding="utf-8") == source
    assert "agent_run" in err.getvalue() and out.getvalue() != ""
    # Near miss: a value that is not a Nexa source is still the trace file.
    assert main(["run", "--trace", "t.json", "prog.nx"], io.StringIO(), io.StringIO()) == 0
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))[0]["event"] == "agent_run"


def test_s001_before_a_run_counts_the_command_line_grants(nexa):
    # diagnostics.md S001 judges the *effective* configuration: --allow-python grants host code.
    source = 'flow main {\n    python! """print(1 + 1)"""\n    print("ok")\n}\n'
    granted = nexa(source, "--allow-python")
    assert (granted.code, granted.out, granted.err) == (0, "2\nok\n", "")
    assert nexa(source, "--allow", "python").err == ""
    # Near miss: without the flag the check says so (S001), then the run is denied (E402); the
    # bytecode cache of the granted run is not reused for it.
    denied = nexa(source)
    assert denied.code == 1
    assert "S001 python! block needs the 'host-code' capability" in denied.err
    assert "E402" in denied.err


# ---------------------------------------------------------------------------- nexa test


def test_test_runner_reports_each_test_and_a_summary(nexa):
    source = (
        'test "doubling" { assert 2 * 2 == 5 }\ntest "fine" { assert 1 == 1 }\ntest "broken" { x = [1][3] }\n'
    )
    outcome = nexa(source, command="test")
    assert outcome.code == 1
    assert outcome.out == (
        "[FAIL] doubling: assertion failed: 2 * 2 == 5\n"
        "[PASS] fine\n"
        "[ERROR] broken: RuntimeError: list index 3 is out of range for a list of 1\n"
        "1 passed, 2 failed\n"
    )


def test_test_runner_exits_0_when_all_pass(nexa):
    source = (
        'agent G { prompt: "Greet." }\n'
        'test "greets" {\n'
        '    r = G.run("Ada")\n'
        '    assert "addresses Ada" against r\n'
        "}\n"
    )
    outcome = nexa(source, command="test")
    assert (outcome.code, outcome.out) == (0, "[PASS] greets\n1 passed, 0 failed\n")


# ---------------------------------------------------------------------------- disasm and bytecode


def test_disasm_prints_instructions_with_source_lines(nexa):
    outcome = nexa("flow main {\n    x = 1 + 2\n    print(x)\n}\n", command="disasm")
    assert outcome.code == 0
    assert "== flow main (main.nx) ==" in outcome.out
    assert "      2 | x = 1 + 2" in outcome.out
    assert "BINARY            '+'" in outcome.out
    assert "PRINT             1" in outcome.out


def test_every_opcode_is_documented():
    assert set(OPCODES) == set(Op)
    assert opcode_table_markdown().count("\n") == len(Op) + 1


def test_every_instruction_keeps_its_span_and_file():
    program = program_of_text('agent A { prompt: "x" }\nflow main {\n    y = "q" >> A\n}\n', "p.nx")
    compiled = compile_program(program)
    for code in compiled.all_codes():
        for instr in code.instrs:
            assert instr.file == "p.nx"
            assert isinstance(instr.span, tuple) and len(instr.span) == 2


# ---------------------------------------------------------------------------- stepping hook


def test_step_hook_is_called_before_each_statement():
    source = "flow main {\n    x = 1\n    print(x)\n}\n"
    compiled = compile_program(program_of_text(source, "p.nx"))
    out = io.StringIO()
    vm = Interpreter(compiled, OfflineProvider(), stdout=out, stderr=io.StringIO())
    seen: list[tuple[str, int]] = []

    def hook(frame, span):
        seen.append((frame.code.name, vm.position(frame.instr.file, span[0])[0]))

    vm.step_hook = hook

    async def run() -> None:
        await vm.initialize()
        await vm.call_flow("main", [])

    asyncio.run(run())
    assert seen == [("main", 2), ("main", 3)]
    assert out.getvalue() == "1\n"


def test_an_awaitable_step_hook_pauses_the_run():
    compiled = compile_program(program_of_text('flow main {\n    print("a")\n    print("b")\n}\n', "p.nx"))
    out = io.StringIO()
    vm = Interpreter(compiled, OfflineProvider(), stdout=out, stderr=io.StringIO())

    async def run() -> list[str]:
        gate = asyncio.Event()
        observed = []

        async def hook(frame, span):
            await gate.wait()

        vm.step_hook = hook
        task = asyncio.create_task(vm.call_flow("main", []))
        await asyncio.sleep(0.01)
        observed.append(out.getvalue())  # paused before the first statement
        gate.set()
        await task
        observed.append(out.getvalue())
        return observed

    assert asyncio.run(run()) == ["", "a\nb\n"]


# ---------------------------------------------------------------------------- bytecode cache


def test_second_run_uses_the_bytecode_cache_and_replays_warnings(nexa, tmp_path):
    source = 'agent Unused { prompt: "x" }\nflow main { print("ran") }\n'
    first = nexa(source)
    assert list((tmp_path / ".nexa_cache" / "bytecode").glob("*.pickle"))
    second = nexa(source)
    assert (second.code, second.out, second.err) == (first.code, first.out, first.err)


def test_an_edited_program_is_checked_again(nexa):
    assert nexa('flow main { print("one") }\n').out == "one\n"
    edited = nexa("flow main { print(undefined_thing) }\n")
    assert edited.code == 2
    assert "E001" in edited.err


def test_a_program_with_errors_is_never_cached(nexa, tmp_path):
    nexa("flow main { print(undefined_thing) }\n")
    assert not list((tmp_path / ".nexa_cache" / "bytecode").glob("*.pickle"))
