"""End-to-end: real `nexa-dap` sessions over stdio, driven by tests/e2e/dap/conftest.py's client."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

CALLS = """\
flow helper(n) {
    doubled = n * 2
    return doubled + 1
}

flow main {
    x = 1
    y = helper(x)
    print("y is", y)
    z = y + 10
    print("z is", z)
}
"""

LOOP = """\
flow main {
    total = 0
    for each i in [1, 2, 3, 4, 5] {
        total = total + i
    }
    print("total", total)
}
"""

FORK = """\
flow worker(n) {
    label = "item " + str(n)
    print("done", n)
    return label
}

flow main {
    results = [1, 2, 3] |>> worker
    print(results)
}
"""


# ---------------------------------------------------------------------------- breakpoints


def test_breakpoint_stops_on_its_line_with_the_locals(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={10: {}})
    stopped = client.stopped("breakpoint")
    assert client.where(stopped) == ("flow main", 10)
    assert client.locals(stopped["threadId"]) == {"x": "1", "y": "3"}
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    assert client.output("stdout") == "y is 3\nz is 13\n"


def test_breakpoint_response_is_verified_at_the_statement_line(dap, program):
    path = program(CALLS)
    client = dap()
    client.initialize()
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    verified = client.set_breakpoints(path, {5: {}, 7: {}})
    assert [(b["verified"], b["line"]) for b in verified] == [
        (True, 7),
        (True, 7),
    ]  # 5 is blank: next statement
    client.request("configurationDone")
    client.stopped("breakpoint")


def test_breakpoint_in_a_corpus_program_shows_its_agent(dap, corpus_dir, tmp_path, line_of):
    path = corpus_dir / "v2.0" / "06_fork_merge.nx"
    line = line_of(path, "    fork [")
    client = dap()
    client.launch(path, breakpoints={line: {}}, cwd=str(tmp_path))
    stopped = client.stopped("breakpoint")
    frame = client.top(stopped["threadId"])
    assert (frame["name"], frame["line"], frame["source"]["path"]) == ("flow main", line, str(path))
    agents = client.locals(stopped["threadId"], "Agents")
    assert agents["ExploreAgent"].startswith("<agent ExploreAgent>")
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    assert "Fork merged with best_of strategy." in client.output("stdout")


def test_agent_variables_show_model_role_tools_and_conversation(dap, program):
    path = program(
        'agent Bot { role: "Helper", prompt: "Answer briefly." }\n'
        "flow main {\n"
        '    a = Bot.run("hello")\n'
        "    print(a)\n"
        "}\n"
    )
    client = dap()
    client.launch(path, breakpoints={4: {}})
    stopped = client.stopped("breakpoint")
    frame = client.top(stopped["threadId"])
    scopes = client.request("scopes", {"frameId": frame["id"]})["scopes"]
    assert [s["name"] for s in scopes] == ["Locals", "Globals", "Agents", "Memory/Context"]
    agents_ref = next(s["variablesReference"] for s in scopes if s["name"] == "Agents")
    bot = client.request("variables", {"variablesReference": agents_ref})["variables"][0]
    fields = client.request("variables", {"variablesReference": bot["variablesReference"]})["variables"]
    by_name = {f["name"]: f for f in fields}
    assert by_name["role"]["value"] == '"Helper"'
    assert by_name["model"]["value"] == '"offline"'
    assert by_name["tools"]["type"] == "list"
    conversation = client.request(
        "variables", {"variablesReference": by_name["conversation"]["variablesReference"]}
    )
    roles = [m["value"].split(":")[0] for m in conversation["variables"]]
    assert roles[-2:] == ["user", "assistant"]


def test_conditional_breakpoint_stops_only_when_the_condition_holds(dap, program):
    path = program(LOOP)
    client = dap()
    client.launch(path, breakpoints={4: {"condition": "i == 4"}})
    stopped = client.stopped("breakpoint")
    assert client.locals(stopped["threadId"])["i"] == "4"
    assert client.locals(stopped["threadId"])["total"] == "6"
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0


def test_hit_count_breakpoint_stops_on_the_nth_hit(dap, program):
    path = program(LOOP)
    client = dap()
    client.launch(path, breakpoints={4: {"hitCondition": "3"}})
    stopped = client.stopped("breakpoint")
    assert client.locals(stopped["threadId"])["i"] == "3"
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    stops = [e for e in client.events if e.get("event") == "stopped"]
    assert len(stops) == 1


def test_logpoint_writes_its_message_and_does_not_stop(dap, program):
    path = program(LOOP)
    client = dap()
    client.launch(path, breakpoints={4: {"logMessage": "i={i} total={total}"}})
    assert client.finish() == 0
    assert "i=1 total=0\ni=2 total=1\ni=3 total=3\ni=4 total=6\ni=5 total=10\n" in client.output("console")
    assert not [e for e in client.events if e.get("event") == "stopped"]


def test_breakpoint_inside_a_fork_branch_stops_that_thread_only(dap, program):
    path = program(FORK)
    client = dap()
    client.launch(path, breakpoints={3: {"condition": "n == 2"}})
    stopped = client.stopped("breakpoint")
    assert stopped["allThreadsStopped"] is False
    assert stopped["threadId"] != 1
    assert client.locals(stopped["threadId"])["n"] == "2"
    client.wait_output("done 1\n")
    client.wait_output("done 3\n")  # the other branches finished while this one is stopped
    assert "done 2" not in client.output("stdout")
    threads = client.request("threads")["threads"]
    assert {1, stopped["threadId"]} <= {t["id"] for t in threads}
    frames = client.request("stackTrace", {"threadId": stopped["threadId"]})["stackFrames"]
    assert [f["name"] for f in frames] == ["flow worker", "flow main"]
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    assert client.output("stdout").endswith('["item 1", "item 2", "item 3"]\n')


def test_function_breakpoint_stops_before_the_flow_runs(dap, program):
    path = program(CALLS)
    client = dap()
    client.initialize()
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    body = client.request("setFunctionBreakpoints", {"breakpoints": [{"name": "helper"}, {"name": "nope"}]})
    assert [b["verified"] for b in body["breakpoints"]] == [True, False]
    client.request("configurationDone")
    stopped = client.stopped("function breakpoint")
    assert client.where(stopped) == ("flow helper", 2)
    assert client.locals(stopped["threadId"]) == {"n": "1"}


def test_function_breakpoint_on_an_agent_stops_in_its_run(dap, program):
    path = program('agent Bot { prompt: "Answer." }\nflow main {\n    a = Bot.run("hi")\n    print(a)\n}\n')
    client = dap()
    client.initialize()
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    client.request("setFunctionBreakpoints", {"breakpoints": [{"name": "Bot"}]})
    client.request("configurationDone")
    stopped = client.stopped("function breakpoint")
    frames = client.request("stackTrace", {"threadId": stopped["threadId"]})["stackFrames"]
    assert [(f["name"], f["line"]) for f in frames] == [("agent Bot", 1), ("flow main", 3)]


# ---------------------------------------------------------------------------- stepping


def test_step_in_over_and_out_across_flow_calls(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={8: {}})
    stopped = client.stopped("breakpoint")
    thread = stopped["threadId"]
    client.request("stepIn", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow helper", 2)
    client.request("next", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow helper", 3)
    client.request("stepOut", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow main", 9)
    client.request("next", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow main", 10)
    client.request("continue", {"threadId": thread})
    assert client.finish() == 0


def test_next_steps_over_a_flow_call(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={8: {}})
    thread = client.stopped("breakpoint")["threadId"]
    client.request("next", {"threadId": thread})
    stopped = client.stopped("step")
    assert client.where(stopped) == ("flow main", 9)
    assert client.locals(thread)["y"] == "3"


def test_stop_on_entry_pauses_at_the_first_statement_of_the_flow(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, stopOnEntry=True)
    stopped = client.stopped("entry")
    assert client.where(stopped) == ("flow main", 7)


def test_pause_stops_a_busy_program_and_terminate_ends_it(dap, program):
    path = program("flow main {\n    i = 0\n    while i < 1000000000 {\n        i = i + 1\n    }\n}\n")
    client = dap()
    client.launch(path)
    time.sleep(0.3)
    client.request("pause", {"threadId": 1})
    stopped = client.stopped("pause")
    assert client.where(stopped)[0] == "flow main"
    assert int(client.locals(1)["i"]) > 0
    client.request("terminate")
    client.event("terminated")


# ---------------------------------------------------------------------------- evaluate and setVariable


def test_evaluate_runs_nexa_expressions_in_the_frame(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={3: {}})
    thread = client.stopped("breakpoint")["threadId"]
    assert client.evaluate(thread, "doubled * 10 + n")["result"] == "21"
    assert client.evaluate(thread, 'str(n) + "!"')["result"] == '"1!"'
    listed = client.evaluate(thread, "[n, doubled]")
    assert listed["result"] == "[1, 2]" and listed["variablesReference"] > 0
    frames = client.request("stackTrace", {"threadId": thread})["stackFrames"]
    caller = client.request("evaluate", {"expression": "x", "frameId": frames[1]["id"], "context": "hover"})
    assert caller["result"] == "1"


def test_evaluate_reports_errors_as_failed_responses(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={3: {}})
    thread = client.stopped("breakpoint")["threadId"]
    frame = client.top(thread)["id"]
    bad = client.failing("evaluate", {"expression": "doubled +", "frameId": frame})
    assert "syntax error" in bad["message"]
    unknown = client.failing("evaluate", {"expression": "nothing_here", "frameId": frame})
    assert "E108" in unknown["message"] or "nothing_here" in unknown["message"]
    assert client.evaluate(thread, "n")["result"] == "1"  # the adapter is still there


def test_set_variable_changes_what_runs_next(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={9: {}})
    thread = client.stopped("breakpoint")["threadId"]
    frame = client.top(thread)
    scopes = client.request("scopes", {"frameId": frame["id"]})["scopes"]
    ref = scopes[0]["variablesReference"]
    body = client.request("setVariable", {"variablesReference": ref, "name": "y", "value": "40 + 2"})
    assert body["value"] == "42"
    client.request("continue", {"threadId": thread})
    assert client.finish() == 0
    assert client.output("stdout") == "y is 42\nz is 52\n"


def test_repl_assignment_sets_a_local(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={10: {}})
    thread = client.stopped("breakpoint")["threadId"]
    client.evaluate(thread, "y = 100", context="repl")
    client.request("continue", {"threadId": thread})
    client.finish()
    assert client.output("stdout").endswith("z is 110\n")


def test_input_is_answered_from_the_debug_console(dap, program):
    path = program('flow main {\n    name = input("name? ")\n    print("hello", name)\n}\n')
    client = dap()
    client.launch(path)
    client.wait_output("name? ")
    client.request("evaluate", {"expression": "Ada", "context": "repl"})
    assert client.finish() == 0
    assert "hello Ada\n" in client.output("stdout")


# ---------------------------------------------------------------------------- stepping back


def test_step_back_restores_the_earlier_value(dap, program):
    path = program("flow main {\n    x = 1\n    x = 2\n    x = 3\n    print(x)\n}\n")
    client = dap()
    client.launch(path, breakpoints={4: {}})
    thread = client.stopped("breakpoint")["threadId"]
    assert client.locals(thread) == {"x": "2"}
    client.request("stepBack", {"threadId": thread})
    stopped = client.stopped("step")
    assert client.where(stopped) == ("flow main", 3)
    assert client.locals(thread) == {"x": "1"}
    client.request("next", {"threadId": thread})
    assert client.where(client.stopped()) == ("flow main", 4)  # reason: the breakpoint of line 4
    assert client.locals(thread) == {"x": "2"}
    client.request("continue", {"threadId": thread})
    assert client.finish() == 0
    assert client.output("stdout") == "3\n"


def test_step_back_from_a_callee_returns_to_the_call(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={2: {}})
    thread = client.stopped("breakpoint")["threadId"]
    client.request("stepBack", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow main", 8)
    assert "y" not in client.locals(thread)
    client.request("continue", {"threadId": thread})  # runs helper again, stopping at its breakpoint
    assert client.where(client.stopped("breakpoint")) == ("flow helper", 2)


def test_step_back_restores_lists_changed_in_place(dap, program):
    path = program("flow main {\n    xs = [1, 2]\n    xs[0] = 9\n    print(xs)\n}\n")
    client = dap()
    client.launch(path, breakpoints={4: {}})
    thread = client.stopped("breakpoint")["threadId"]
    assert client.locals(thread)["xs"] == "[9, 2]"
    client.request("stepBack", {"threadId": thread})
    client.stopped("step")
    assert client.locals(thread)["xs"] == "[1, 2]"


def test_step_back_does_not_call_the_model_again(dap, program, tmp_path):
    path = program(
        'agent Bot { prompt: "Answer briefly." }\n'
        "flow main {\n"
        '    a = Bot.run("hello")\n'
        "    b = a\n"
        "    print(b)\n"
        "}\n"
    )
    cassette = tmp_path / "run.cassette.jsonl"
    client = dap()
    client.launch(path, breakpoints={4: {}}, record=str(cassette))
    thread = client.stopped("breakpoint")["threadId"]
    first = client.locals(thread)["a"]
    client.request("stepBack", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow main", 3)
    assert "a" not in client.locals(thread)
    client.request("next", {"threadId": thread})
    client.stopped()
    assert client.locals(thread)["a"] == first
    client.request("continue", {"threadId": thread})
    assert client.finish() == 0
    exchanges = [json.loads(line) for line in cassette.read_text().splitlines() if line.strip()]
    assert len(exchanges) == 1  # one model call: the second run of line 3 was answered from memory


def test_reverse_continue_goes_back_to_the_last_breakpoint(dap, program):
    path = program(LOOP)
    client = dap()
    client.launch(path, breakpoints={4: {"condition": "i == 2"}, 6: {}})
    thread = client.stopped("breakpoint")["threadId"]
    client.request("continue", {"threadId": thread})
    assert client.where(client.stopped("breakpoint")) == ("flow main", 6)
    client.request("reverseContinue", {"threadId": thread})
    stopped = client.stopped("breakpoint")
    assert client.where(stopped) == ("flow main", 4)
    assert client.locals(thread)["i"] == "5"  # the last time line 4 ran (reverse ignores conditions)


QUIET = """\
flow helper(n) {
    doubled = n * 2
    return doubled + 1
}

flow main {
    total = 0
    i = 0
    while i < 30 {
        total = total + helper(i)
        i = i + 1
    }
    j = 0
    while j < 40 {
        j = j + 1
    }
    try {
        raise RuntimeError("boom")
    } catch (e) {
        total = total + j
    }
    print(total)
}
"""


def test_step_back_through_history_recorded_without_breakpoints(dap, program):
    # No breakpoint until the error stops the run: the history was recorded by quiet runs (calls,
    # returns, and a loop longer than a checkpoint's run in one activation).
    path = program(QUIET)
    client = dap()
    client.initialize()
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["raised"]})
    client.request("configurationDone")
    thread = client.stopped("exception")["threadId"]
    client.request("next", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow main", 20)
    seen = []
    while len(seen) < 3 or seen[-1] != (15, "38"):
        client.request("stepBack", {"threadId": thread})
        line = client.where(client.stopped("step"))[1]
        seen.append((line, client.locals(thread)["j"]))
        assert len(seen) < 10, seen
    assert seen[-3:] == [(15, "39"), (14, "39"), (15, "38")]

    client.set_breakpoints(path, {10: {}})  # set now: reverseContinue finds where line 10 last ran
    client.request("reverseContinue", {"threadId": thread})
    assert client.where(client.stopped("breakpoint")) == ("flow main", 10)
    assert (client.locals(thread)["i"], client.locals(thread)["total"]) == ("29", "841")
    client.request("stepBack", {"threadId": thread})
    assert client.where(client.stopped("step")) == ("flow main", 9)
    client.request("stepBack", {"threadId": thread})  # over helper's statements: not this activation's
    assert client.where(client.stopped("step")) == ("flow main", 11)
    assert client.locals(thread)["i"] == "28"

    client.set_breakpoints(path, {})
    client.request("setExceptionBreakpoints", {"filters": []})
    client.request("continue", {"threadId": thread})
    assert client.finish() == 0
    assert client.output("stdout") == "940\n"


def test_step_back_after_pausing_a_busy_loop(dap, program):
    path = program("flow main {\n    i = 0\n    while i < 1000000000 {\n        i = i + 1\n    }\n}\n")
    client = dap()
    client.launch(path)
    time.sleep(0.3)
    client.request("pause", {"threadId": 1})
    stopped = client.stopped("pause")
    line, count = client.where(stopped)[1], int(client.locals(1)["i"])
    client.request("stepBack", {"threadId": 1})
    back = client.where(client.stopped("step"))[1], int(client.locals(1)["i"])
    assert back == ((4, count - 1) if line == 3 else (3, count))
    client.request("terminate")
    client.event("terminated")


# ---------------------------------------------------------------------------- errors


def test_an_uncaught_error_stops_on_exception_then_terminates_with_exit_1(dap, program):
    path = program("flow main {\n    scores = [4, 8, 15]\n    print(scores[3])\n}\n")
    client = dap()
    client.launch(path)
    stopped = client.stopped("exception")
    assert stopped["text"] == "E100"
    assert client.where(stopped) == ("flow main", 3)
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})
    assert (info["exceptionId"], info["breakMode"]) == ("E100", "unhandled")
    assert "out of range" in info["description"]
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 1
    assert "Error: RuntimeError: list index 3 is out of range" in client.output("stderr")
    assert "= code E100" in client.output("stderr")


def test_raised_filter_stops_on_a_caught_error_and_uncaught_does_not(dap, program):
    source = (
        "flow main {\n"
        "    try {\n"
        '        raise RuntimeError("boom")\n'
        "    } catch (e) {\n"
        '        print("caught", e.message)\n'
        "    }\n"
        "}\n"
    )
    path = program(source)
    client = dap()
    client.initialize()
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["raised"]})
    client.request("configurationDone")
    stopped = client.stopped("exception")
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})
    assert info["breakMode"] == "always"
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0

    quiet = dap()
    quiet.launch(path)  # default filters: uncaught only
    assert quiet.finish() == 0
    assert not [e for e in quiet.events if e.get("event") == "stopped"]
    assert quiet.output("stdout") == "caught boom\n"


def test_exit_code_of_exit_is_reported(dap, program):
    path = program('flow main {\n    print("bye")\n    exit(3)\n}\n')
    client = dap()
    client.launch(path)
    assert client.finish() == 3


# ---------------------------------------------------------------------------- bad input


def test_unknown_request_gets_an_error_response_and_the_adapter_stays_up(dap):
    client = dap()
    response = client.failing("frobnicate", {})
    assert "unknown request 'frobnicate'" in response["message"]
    assert client.initialize()["supportsStepBack"] is True


def test_garbage_on_the_wire_is_ignored(dap):
    client = dap()
    client.send_raw(b"Content-Length: 5\r\n\r\nnope!")
    assert client.initialize()["supportsConfigurationDoneRequest"] is True


def test_launching_a_program_with_errors_reports_them_and_fails(dap, program):
    broken = program("flow main {\n    x = (1 +\n}\n", name="broken.nx")
    client = dap()
    client.initialize()
    response = client.failing("launch", {"program": str(broken)})
    assert "has errors" in response["message"]
    assert "E008" in client.output("stderr")
    good = program(CALLS)
    client.request("launch", {"program": str(good)})  # still up, and can launch
    client.event("initialized")
    client.request("configurationDone")
    assert client.finish() == 0


def test_launch_attributes_of_the_wrong_type_fail_the_launch(dap, program):
    path = program(CALLS)
    client = dap()
    client.initialize()
    assert '"args"' in client.failing("launch", {"program": str(path), "args": "x"})["message"]
    assert '"allow"' in client.failing("launch", {"program": str(path), "allow": ["everything"]})["message"]
    assert '"provider"' in client.failing("launch", {"program": str(path), "provider": "magic"})["message"]
    assert (
        "record" in client.failing("launch", {"program": str(path), "record": "a", "replay": "b"})["message"]
    )


def test_launch_accepts_every_attribute_of_the_extension(dap, program, tmp_path):
    path = program('flow main(who) {\n    print("hi", who)\n}\n')
    client = dap()
    client.launch(
        path,
        type="nexa",
        request="launch",
        name="Nexa: main",
        flow="main",
        args=["Ada"],
        cwd=str(tmp_path),
        env={"GREETING": "bonjour"},
        provider="offline",
        model="offline",
        allow=["read:.", "net:example.com"],
        stopOnEntry=False,
        noDebug=False,
        __sessionId="x",
    )
    assert client.finish() == 0
    assert client.output("stdout").startswith("hi Ada")


def test_no_debug_runs_without_stopping(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={8: {}}, noDebug=True)
    assert client.finish() == 0
    assert not [e for e in client.events if e.get("event") == "stopped"]


# ---------------------------------------------------------------------------- positions, restart, sockets


def test_zero_based_lines_and_utf16_columns_after_chinese_text(dap, program):
    path = program('flow main {\n    msg = "你好世界"; n = 1\n    print(msg, n)\n}\n')
    client = dap()
    client.initialize(linesStartAt1=False, columnsStartAt1=False)
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    locations = client.request("breakpointLocations", {"source": {"path": str(path)}, "line": 1})[
        "breakpoints"
    ]
    # a statement is located at its first instruction: the value of an assignment; columns count
    # UTF-16 units (the 1 is 22 units but 30 bytes into the line)
    assert locations == [{"line": 1, "column": 10}, {"line": 1, "column": 22}]
    client.set_breakpoints(path, {2: {}})
    client.request("configurationDone")
    stopped = client.stopped("breakpoint")
    frame = client.top(stopped["threadId"])
    assert (frame["line"], frame["column"]) == (2, 10)


def test_restart_runs_the_program_again(dap, program):
    path = program(CALLS)
    client = dap()
    client.launch(path, breakpoints={9: {}})
    thread = client.stopped("breakpoint")["threadId"]
    client.request("restart", {})
    stopped = client.stopped("breakpoint")
    assert client.where(stopped) == ("flow main", 9)
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    assert thread == stopped["threadId"] == 1


def test_attach_to_nexa_run_debug_port(dap, program, tmp_path):
    path = program(CALLS)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nexa = Path(sys.executable).with_name("nexa")
    run = subprocess.Popen(
        [str(nexa), "run", str(path), "--debug-port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stderr is not None
        assert "waiting for a debugger" in run.stderr.readline()
        client = dap()
        client.initialize()
        client.request("attach", {"host": "127.0.0.1", "port": port})
        client.event("initialized")
        client.set_breakpoints(path, {10: {}})
        client.request("configurationDone")
        stopped = client.stopped("breakpoint")
        assert client.locals(stopped["threadId"]) == {"x": "1", "y": "3"}
        client.request("continue", {"threadId": stopped["threadId"]})
        assert client.finish() == 0
        assert "z is 13" in client.output("stdout")
        client.close()
        out, _ = run.communicate(timeout=30)
        assert run.returncode == 0
        assert out == "y is 3\nz is 13\n"
    finally:
        if run.poll() is None:
            run.kill()


def test_port_mode_serves_dap_on_a_socket(tmp_path, nexa_dap):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [nexa_dap, "--port", str(port)], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stderr is not None
        assert "listening" in server.stderr.readline()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            body = json.dumps(
                {"seq": 1, "type": "request", "command": "initialize", "arguments": {}}
            ).encode()
            sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stream = sock.makefile("rb")
            header = stream.readline()
            length = int(header.split(b":")[1])
            stream.readline()
            response = json.loads(stream.read(length))
        assert response["success"] and response["body"]["supportsStepBack"] is True
    finally:
        server.kill()
        server.wait(5)


MATCH = """\
flow main {
    b = 7
    c = match b {
        6 => b * 2,
        7 => b * 10,
        _ => 0
    }
    d = match b { 7 => 1, _ => 2 }
    print(c, d)
}
"""


def test_breakpoint_on_a_match_arm_line_stops_in_that_arm(dap, program):
    path = program(MATCH)
    client = dap()
    client.launch(path, breakpoints={4: {}, 5: {}})
    stopped = client.stopped("breakpoint")
    assert client.where(stopped) == ("flow main", 5)  # the arm that runs; line 4's arm never does
    assert client.locals(stopped["threadId"]) == {"b": "7"}
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    assert client.output("stdout") == "70 1\n"


def test_breakpoint_on_a_one_line_match_stops_once(dap, program):
    path = program(MATCH)
    client = dap()
    client.launch(path, breakpoints={8: {}})
    stopped = client.stopped("breakpoint")
    assert client.where(stopped) == ("flow main", 8)
    client.request("next", {"threadId": stopped["threadId"]})
    assert client.where(client.stopped("step")) == ("flow main", 9)
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0


FORK_MERGE = """\
flow twice(n) {
    return n * 2
}
flow main {
    best = fork [
        p = twice(1),
        q = 2 + 2
    ] merge all
    both = fork [r = 1, s = 2] merge all
    print(best, both)
}
"""


def test_breakpoint_on_a_fork_merge_branch_line_stops_in_that_branch(dap, program):
    path = program(FORK_MERGE)
    client = dap()
    client.launch(path, breakpoints={7: {}})
    stopped = client.stopped("breakpoint")
    assert stopped["threadId"] != 1
    frames = client.request("stackTrace", {"threadId": stopped["threadId"]})["stackFrames"]
    assert [(f["name"], f["line"]) for f in frames] == [("fork branch 2", 7), ("flow main", 5)]
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.finish() == 0
    assert client.output("stdout") == "[2, 4] [1, 2]\n"


def test_breakpoint_on_a_one_line_fork_merge_stops_once_in_the_flow(dap, program):
    path = program(FORK_MERGE)
    client = dap()
    client.launch(path, breakpoints={9: {}})
    stopped = client.stopped("breakpoint")
    assert client.where(stopped) == ("flow main", 9) and stopped["threadId"] == 1
    client.request("continue", {"threadId": 1})
    assert client.finish() == 0
    assert [e["body"]["reason"] for e in client.events if e.get("event") == "stopped"] == ["breakpoint"]


CASE_TABLES = """\
flow main {
    q = "refund please"
    r = q ?? {
        "refund" => "R",
        "other" => "O"
    }
    t = semantic_if (q, "topic") {
        "refund" => "T1",
        "other" => "T2"
    }
    print(r, t)
}
"""


def test_breakpoints_on_case_lines_of_a_branch_and_a_semantic_if_stop_in_the_chosen_case(dap, program):
    path = program(CASE_TABLES)
    client = dap()
    client.launch(path, breakpoints={4: {}, 5: {}, 8: {}, 9: {}})
    lines = []
    for _ in range(2):
        stopped = client.stopped("breakpoint")
        lines.append(client.where(stopped)[1])
        client.request("continue", {"threadId": stopped["threadId"]})
    assert lines == [4, 8]  # the offline judge picks "refund" for this text, both times
    assert client.finish() == 0
    assert client.output("stdout") == "R T1\n"
