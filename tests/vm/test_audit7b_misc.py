"""Audit 7b (small open items of audit 7, run time): the code a user `raise` carries, the warning
of a failing `defer`, and `try_await` right after `cancel_task`."""

from __future__ import annotations

import json

# ---- a user `raise Kind(m)` carries E100, also for a built-in kind name (S§0.2, R40) ----

RAISED = """
flow main() {
    try {
        raise KIND("boom")
    } catch (e) {
        print(e.kind, e.code, e.message)
    }
    try {
        std.json.json_parse("{")
    } catch (ToolError e) {
        print(e.kind, e.code)
    }
}
"""


def test_a_user_raise_of_a_builtin_kind_carries_e100(nexa):
    outcome = nexa(RAISED.replace("KIND", "ToolError"))
    assert outcome.code == 0, outcome.err
    assert outcome.out == "ToolError E100 boom\nToolError E302\n"


def test_a_user_kind_carries_e100_and_a_std_failure_its_own_code(nexa):
    outcome = nexa(RAISED.replace("KIND", "QuotaExceeded"))
    assert outcome.out == "QuotaExceeded E100 boom\nToolError E302\n"


# ---- a failing defer is a runtime warning with its code and location (diagnostics.md §1.7, R38) ----

DEFERS = """
flow boom(word: str) {
    raise Oops(word)
}
flow helper() {
    defer boom("late")
    defer print("second")
    print("in helper")
}
flow main() {
    helper()
    defer print([1][5])
    print("after")
}
"""


def test_a_failing_defer_prints_a_coded_warning_with_its_location(nexa):
    outcome = nexa(DEFERS, "--trace", "trace.json")
    assert outcome.code == 0, outcome.err
    assert outcome.out == "in helper\nsecond\nafter\n"
    assert outcome.err == (
        "warning[E100]: deferred expression failed: Oops: late\n"
        "  --> main.nx:3:5\n"
        "warning[E100]: deferred expression failed: RuntimeError: "
        "list index 5 is out of range for a list of 1\n"
        "  --> main.nx:12:17\n"
    )
    with open("trace.json", encoding="utf-8") as handle:
        warnings = [r for r in json.load(handle) if r["event"] == "warning"]
    assert [(w["code"], w["severity"], w["location"]) for w in warnings] == [
        ("E100", "warning", {"row": 3, "column": 5}),
        ("E100", "warning", {"row": 12, "column": 17}),
    ]


def test_defers_that_succeed_print_no_warning(nexa):
    outcome = nexa(DEFERS.replace("raise Oops(word)", "print(word)").replace("[1][5]", "[1][0]"))
    assert outcome.err == ""
    assert outcome.out == "in helper\nsecond\nlate\nafter\n1\n"


# ---- cancel_task: the outcome is the cancellation at once (S§2 tasks, L§7.9.3, R39) ----

CANCELLED = """
flow main() {
    let t = spawn(fn() {
        defer print("task defer")
        sleep_ms(300)
        return 1
    })
    sleep_ms(10)
    print(cancel_task(t))
    let r = try_await(t)
    print(r["status"], r["error"].message)
    print(cancel_task(t))
    try {
        print(await_task(t))
    } catch (e) {
        print("await:", e.message)
    }
}
"""


def test_try_await_right_after_cancel_task_reports_the_cancellation(nexa):
    outcome = nexa(CANCELLED)
    assert outcome.code == 0, outcome.err
    assert (
        outcome.out
        == "true\nerror the task was cancelled\nfalse\ntask defer\nawait: the task was cancelled\n"
    )


def test_a_running_task_that_is_not_cancelled_stays_pending(nexa):
    outcome = nexa(
        CANCELLED.replace("print(cancel_task(t))\n    let r", "let r").replace(
            'print(r["status"], r["error"].message)', 'print(r["status"])'
        )
    )
    assert outcome.out.splitlines()[0] == "pending"


def test_cancelling_a_task_that_awaits_another_is_not_an_error_it_can_catch(nexa):
    # the awaited task is not cancelled: the awaiting one must not see "the task was cancelled"
    source = """
flow main() {
    let b = spawn(fn() {
        sleep_ms(200)
        return "b"
    })
    let a = spawn(fn() {
        try {
            return await_task(b)
        } catch (e) {
            return "caught"
        }
    })
    sleep_ms(20)
    print(cancel_task(a))
    sleep_ms(20)
    print(try_await(a)["status"], await_task(b))
}
"""
    outcome = nexa(source)
    assert outcome.out == "true\nerror b\n"
