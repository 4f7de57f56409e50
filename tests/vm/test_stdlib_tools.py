"""Std functions offered to agents as tools, approvals and the tool loop's error texts (S§5.1, §5.3,
§5.5, §5.6, §0.4), with the offline model's `@call` lines (S§4.5.5)."""

from __future__ import annotations

import io
import json

from nexa_avm.agents import tool_specs
from nexa_avm.stdlib import find_function, offered_functions


def call_line(tool: str, arguments: dict[str, object]) -> str:
    return f"@call {tool} " + json.dumps(arguments, ensure_ascii=False).replace('"', '\\"')


def test_uses_a_namespace_offers_all_its_functions_with_schemas():
    names = [f.name for f in offered_functions(["std.fs", "std.time.time_now", "std.pipe", "std.nope"])]
    assert names == [
        "file_read",
        "file_write",
        "file_append",
        "file_exists",
        "file_list",
        "file_delete",
        "time_now",
    ]
    spec = find_function("fs", "file_read").tool_spec()
    assert (spec.name, spec.description) == ("file_read", "Read a whole text file")
    assert spec.parameters == {
        "type": "object",
        "properties": {"path": {"type": "string"}, "encoding": {"type": "string", "default": "utf-8"}},
        "required": ["path"],
        "additionalProperties": False,
    }


def test_model_view_of_results():
    assert find_function("http", "http_get").model_text("y" * 2005) == "y" * 2000 + "…[truncated 5 chars]"
    assert find_function("json", "json_parse").model_text({"a": [1]}) == '{\n  "a": [\n    1\n  ]\n}'
    assert find_function("fs", "file_exists").model_text({"exists": True, "path": "a"}) == (
        '{"exists":true,"path":"a"}'
    )


def test_agent_tool_list_puts_uses_items_first(nexa):
    source = """@tool("Count") fn count(text: str) -> int { return len(text) }
agent A uses std.text, std.hash.hash_md5 { prompt: "p" }
flow main { print(1) }
"""
    outcome = nexa(source)
    assert outcome.code == 0
    from nexa_avm.loading import load_program

    program = load_program("main.nx", io.StringIO()).program
    from nexa_avm.agents import AgentRuntime

    agent = AgentRuntime(program.agents["A"], dict(program.agents["A"].properties), default_model="offline")
    names = [t.name for t in tool_specs(agent, program.tool_fns, program.tools)]
    assert names == ["text_split", "text_replace", "text_upper", "text_lower", "hash_md5", "count"]


def test_a_model_calls_std_tools_and_gets_result_texts(nexa, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("alpha", encoding="utf-8")
    lines = "\\n".join(
        [
            "look",
            call_line("file_read", {"path": "docs/a.txt"}),
            call_line("text_upper", {"text": "ok"}),
            call_line("file_read", {"path": "/etc/passwd"}),
            call_line("file_read", {}),
            call_line("file_read", {"path": "docs/none.txt"}),
        ]
    )
    source = (
        'agent Clerk uses std.fs, std.text { prompt: "files" }\n'
        f'flow main {{ print(Clerk.run("{lines}")) }}\n'
    )
    outcome = nexa(source, "--allow-read", "docs")
    assert outcome.code == 0, outcome.err
    assert outcome.out == (
        "[Clerk] look\n"
        "file_read -> alpha\n"
        "text_upper -> OK\n"
        "file_read -> Error: E402 permission-denied: std.fs.file_read denied: /etc/passwd is outside "
        "the read allow-list; allow it with --allow-read or [sandbox] fs_read\n"
        "file_read -> Error: E302 invalid-tool-arguments: invalid arguments for "
        "'std.fs.file_read': missing 'path'\n"
        "file_read -> Error: E104 tool-execution-failed: std.fs.file_read: no such file 'docs/none.txt'\n"
    )


def test_a_tool_not_offered_to_the_agent_is_not_found(nexa):
    line = call_line("file_read", {"path": "x"})
    source = f'agent Clerk uses std.text {{ prompt: "p" }}\nflow main {{ print(Clerk.run("{line}")) }}\n'
    outcome = nexa(source)
    assert outcome.out == '[Clerk] @call file_read {"path": "x"}\n'  # only offered tools are called


def test_tool_errors_are_traced(nexa, tmp_path):
    line = call_line("file_read", {"path": "/etc/passwd"})
    source = f'agent Clerk uses std.fs {{ prompt: "p" }}\nflow main {{ Clerk.run("{line}") }}\n'
    outcome = nexa(source, "--trace", "trace.json")
    assert outcome.code == 0
    events = json.loads((tmp_path / "trace.json").read_text(encoding="utf-8"))
    errors = [(e["tool"], e["code"]) for e in events if e["event"] == "tool_error"]
    assert errors == [("file_read", "E402")]


def test_shell_is_off_by_default(nexa):
    body = 'try { std.shell.shell_exec("echo hi") } catch (e) { print(e.code, e.message) }'
    outcome = nexa(f"flow main {{\n{body}\n}}\n")
    assert outcome.out == (
        "E402 std.shell.shell_exec denied: starting processes is off; "
        "allow it with --allow-shell or [sandbox] shell\n"
    )


def test_shell_with_allow_shell(nexa):
    body = """
    r = std.shell.shell_exec("echo hi; echo err >&2; exit 3")
    print(r.stdout, r.stderr, r.returncode, r.success)
    t = std.shell.shell_exec("sleep 5", 0.2)
    print(t.returncode, t.success)
    print(std.shell.shell_which("sh").found, std.shell.shell_which("no-such-command-x").found)
    """
    outcome = nexa(f"flow main {{\n{body}\n}}\n", "--allow-shell")
    assert outcome.out == "hi\n err\n 3 false\n-1 false\ntrue false\n", outcome.err


def approval_program(extra: str = "") -> str:
    return (
        '@tool("Delete a file", risk_level: "high", requires_approval: true, sandbox: true) '
        'fn wipe(path: str) -> str { return "wiped " + path }\n'
        'agent Ops { prompt: "ops" }\n'
        f'flow main {{ {extra} print(Ops.run("{call_line("wipe", {"path": "a"})}")) }}\n'
    )


def test_requires_approval_refuses_in_a_non_interactive_run(nexa):
    outcome = nexa(approval_program())
    assert outcome.out == (
        "[Ops] \nwipe -> Error: E402 permission-denied: wipe denied: the call was not approved; "
        "allow it with --approve-all or [sandbox] auto_approve\n"
    ), outcome.err


def test_approve_all_approves(nexa):
    assert nexa(approval_program(), "--approve-all").out == "[Ops] \nwipe -> wiped a\n"
    assert nexa(approval_program(), "--allow", "approve-all").out == "[Ops] \nwipe -> wiped a\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_with_stdin(source: str, answer: str, tmp_path, monkeypatch) -> tuple[str, str]:
    import asyncio

    from nexa_avm.cli import run_program
    from nexa_avm.interpreter import Interpreter
    from nexa_avm.loading import load_program
    from nexa_avm.providers import OfflineProvider

    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.nx").write_text(source, encoding="utf-8")
    err = io.StringIO()
    program = load_program("main.nx", err).program
    out = io.StringIO()
    vm = Interpreter(program, OfflineProvider(), stdout=out, stderr=err, stdin=Terminal(answer))

    class Args:
        flow = None
        args: list[str] = []
        command = "run"
        file = "main.nx"

    asyncio.run(run_program(vm, Args(), out, err))  # type: ignore[arg-type]
    return out.getvalue(), err.getvalue()


def test_an_interactive_yes_approves_and_no_refuses(tmp_path, monkeypatch):
    out, _ = run_with_stdin(approval_program(), "y\n", tmp_path, monkeypatch)
    assert out == 'Allow wipe({"path":"a"})? [y/N] [Ops] \nwipe -> wiped a\n'
    out, _ = run_with_stdin(approval_program(), "nope\n", tmp_path, monkeypatch)
    assert out.endswith(
        "wipe -> Error: E402 permission-denied: wipe denied: the call was not approved; "
        "allow it with --approve-all or [sandbox] auto_approve\n"
    )


def test_ask_human_returns_the_default_when_not_interactive(nexa):
    outcome = nexa('flow main { print(std.ask_human.ask_human("Name?", "Lin")) }\n')
    assert outcome.out == "Lin\n"


def test_ask_human_reads_a_line_on_a_terminal(tmp_path, monkeypatch):
    out, _ = run_with_stdin(
        'flow main { print(std.ask_human.ask_human("Name?", "Lin")) }\n', "Wu\n", tmp_path, monkeypatch
    )
    assert out == "Name? [Lin] Wu\n"


def test_tool_timeout_gives_the_model_e104(nexa):
    source = (
        'agent Slow uses std.time { prompt: "p", tool_timeout: 0.05 }\n'
        f'flow main {{ print(Slow.run("{call_line("time_sleep", {"seconds": 2})}")) }}\n'
    )
    outcome = nexa(source)
    expected = "time_sleep -> Error: E104 tool-execution-failed: time_sleep: did not finish within 0.05 s"
    assert outcome.out == f"[Slow] \n{expected}\n"
