"""End-to-end `nexa-dap`: what the adapter answers once the program has ended, and a launch of a
file that cannot be read (audit 3, findings 12 and 13)."""

from __future__ import annotations

PROGRAM = 'flow main {\n    x = 1\n    print("x is", x)\n}\n'


def test_after_the_program_ends_there_are_no_threads_and_run_control_says_so(dap, program):
    path = program(PROGRAM)
    client = dap()
    client.launch(path)
    assert client.finish() == 0
    exited = client.event("thread", lambda e: e["body"]["reason"] == "exited")
    assert exited["threadId"] == 1
    assert client.request("threads") == {"threads": []}
    assert client.failing("pause", {"threadId": 1})["message"] == "the program has ended (exit code 0)"
    assert client.failing("stackTrace", {"threadId": 1})["message"] == "the program has ended (exit code 0)"
    assert client.failing("continue", {"threadId": 1})["message"] == "the program has ended (exit code 0)"


def test_while_the_program_runs_thread_1_is_listed_and_inspectable(dap, program):
    # Near miss: before the start (the placeholder thread), while stopped, and after a restart of
    # an ended program, thread 1 is there as before.
    path = program(PROGRAM)
    client = dap()
    client.initialize()
    client.request("launch", {"program": str(path)})
    client.event("initialized")
    assert client.request("threads") == {"threads": [{"id": 1, "name": "main"}]}
    client.set_breakpoints(path, {3: {}})
    client.request("configurationDone")
    stopped = client.stopped("breakpoint")
    assert client.request("threads") == {"threads": [{"id": 1, "name": "main"}]}
    assert client.top(stopped["threadId"])["line"] == 3
    client.request("continue", {"threadId": 1})
    assert client.finish() == 0
    client.request("restart", {})
    stopped = client.stopped("breakpoint")
    assert client.request("threads") == {"threads": [{"id": 1, "name": "main"}]}
    assert client.request("pause", {"threadId": 1}) == {}  # already stopped: a success


def test_launching_a_missing_file_names_the_reason(dap, tmp_path):
    client = dap()
    client.initialize()
    missing = tmp_path / "nope.nx"
    message = client.failing("launch", {"program": str(missing)})["message"]
    assert message == f"cannot launch nope.nx: cannot read '{missing}': No such file or directory"


def test_launching_a_directory_names_the_reason_and_a_broken_program_still_has_errors(dap, program, tmp_path):
    # Near miss: a file that parses with errors keeps its "has errors" message.
    client = dap()
    client.initialize()
    message = client.failing("launch", {"program": str(tmp_path)})["message"]
    assert message == f"cannot launch {tmp_path.name}: cannot read '{tmp_path}': Is a directory"
    broken = program("flow main {\n    x = (1 +\n}\n", name="broken.nx")
    message = client.failing("launch", {"program": str(broken)})["message"]
    assert "cannot launch broken.nx: the program has errors" in message
