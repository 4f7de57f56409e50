"""Jobs (L§3.10, §7.11.1, S§1.10): enqueueing, the worker inside the VM's event loop, priorities,
retries with backoff, timeouts, unique jobs and the JobQueue object. Output asserted exactly."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setenv("NEXA_JOB_BACKOFF_MS", "10")


def run_ok(nexa, source: str) -> str:
    outcome = nexa(source)
    assert outcome.code == 0, outcome.err
    return outcome.out


def test_the_corpus_jobs_program_runs_to_completion(nexa, corpus_dir):
    source = (corpus_dir / "v1.2/test_jobs.nx").read_text(encoding="utf-8")
    outcome = nexa(source, name="test_jobs.nx")
    assert outcome.code == 0, outcome.err
    assert outcome.out == (
        "Enqueued job: job_1\n"
        "Job status: pending\n"
        'Total jobs: ["pending", "pending", "pending"]\n'
        "Cancelled: true\n"
        "Cleared: 1 completed jobs\n"
    )


def test_perform_receives_the_arguments_by_name_and_missing_ones_as_none(nexa):
    out = run_ok(
        nexa,
        """job Greet on "mail" {
    perform(name, title) { print("hello " + name + " " + (title ?? "-")) }
}
flow main {
    id = Greet.enqueue({name: "Ann", extra: 1})
    sleep_ms(50)
    r = JobQueue.status(id)
    print(r.status, r.attempts, r.name, r.queue, r.job_id == id)
}
""",
    )
    assert out == "hello Ann -\ncompleted 1 Greet mail true\n"


def test_due_jobs_run_by_priority_then_in_enqueue_order(nexa):
    out = run_ok(
        nexa,
        """job Low on "q" (priority: low) { perform(n) { print("low " + n) } }
job Crit on "q" (priority: critical) { perform(n) { print("critical " + n) } }
flow main {
    Low.enqueue({n: 1})
    Crit.enqueue({n: 2})
    Low.enqueue({n: 3}, {priority: "high"})
    Low.enqueue({n: 4})
    sleep_ms(50)
}
""",
    )
    assert out == "critical 2\nlow 3\nlow 1\nlow 4\n"


def test_a_failing_job_calls_on_failure_and_retries_until_dead(nexa):
    out = run_ok(
        nexa,
        """job Flaky on "q" {
    retry: 2
    backoff: linear
    perform(n) { raise RuntimeError("boom " + n) }
    on_failure(err, attempt) { print("failed #{attempt}: #{err}") }
}
flow main {
    f = Flaky.enqueue({n: 7})
    sleep_ms(300)
    r = JobQueue.status(f)
    print(r.status, r.attempts, r.last_error)
    print(JobQueue.retry(f), JobQueue.retry(f))
    sleep_ms(300)
    print(JobQueue.status(f).attempts, JobQueue.status(f))
}
""",
    )
    assert out == (
        "failed 1: boom 7\nfailed 2: boom 7\nfailed 3: boom 7\n"
        "dead 3 boom 7\n"
        "true false\n"
        "failed 4: boom 7\nfailed 5: boom 7\nfailed 6: boom 7\n"
        "6 dead\n"
    )


def test_a_job_that_succeeds_on_a_retry_is_completed(nexa):
    out = run_ok(
        nexa,
        """kv state = open(":memory:")
job Second on "q" (backoff: fixed) {
    perform() {
        if incr(state, "tries") < 2 { raise RuntimeError("not yet") }
        print("done")
    }
    on_failure(err, attempt) { print("retry after #{attempt}") }
}
flow main {
    id = Second.enqueue({})
    sleep_ms(200)
    print(JobQueue.status(id).status, JobQueue.status(id).attempts)
}
""",
    )
    assert out == "retry after 1\ndone\ncompleted 2\n"


def test_a_job_over_its_timeout_fails_with_a_timeout_message(nexa):
    out = run_ok(
        nexa,
        """job Slow on "q" (timeout: "50ms", retry: 0) { perform() { sleep_ms(2000) print("never") } }
flow main {
    s = Slow.enqueue({})
    sleep_ms(300)
    print(JobQueue.status(s).status + ": " + JobQueue.status(s).last_error)
}
""",
    )
    assert out == "dead: job 'Slow' timed out after 0.05 s\n"


def test_unique_deduplicates_identical_arguments(nexa):
    out = run_ok(
        nexa,
        """job Once on "q" (unique: "args for 1h") { perform(k) { print("once " + k) } }
flow main {
    a = Once.enqueue({k: "x"})
    b = Once.enqueue({k: "x"})
    c = Once.enqueue({k: "y"})
    print(a == b, a == c)
    sleep_ms(50)
    d = Once.enqueue({k: "x"})
    print(a == d, len(JobQueue.list_jobs()))
}
""",
    )
    assert out == "true false\nonce x\nonce y\ntrue 2\n"


def test_delayed_jobs_wait_and_cancel_only_pending_ones(nexa):
    out = run_ok(
        nexa,
        """job Tick on "q" { perform(n) { print("tick " + n) } }
flow main {
    later = Tick.enqueue_in(3600, {n: 1})
    soon = Tick.enqueue_in(0.05, {n: 2})
    past = Tick.enqueue_at(0, {n: 3})
    sleep_ms(20)
    print(JobQueue.status(soon), JobQueue.status(past))
    sleep_ms(100)
    print(JobQueue.status(soon), JobQueue.cancel(later), JobQueue.cancel(later), JobQueue.cancel(soon))
    print(JobQueue.status("job_99") == none)
}
""",
    )
    assert out == "tick 3\npending completed\ntick 2\ncompleted true false false\ntrue\n"


def test_stats_list_jobs_and_clear_completed(nexa):
    out = run_ok(
        nexa,
        """job Tick on "q" { perform(n) { print("tick " + n) } }
flow main {
    Tick.enqueue({n: 1})
    Tick.enqueue({n: 2})
    sleep_ms(50)
    last = Tick.enqueue_in(60, {n: 3})
    print(JobQueue.stats())
    print(JobQueue.list_jobs(), JobQueue.list_jobs("completed", 1)[0].job_id, JobQueue.list_jobs(none, 1))
    print(JobQueue.clear_completed(), JobQueue.stats().total)
}
""",
    )
    assert out == (
        "tick 1\ntick 2\n"
        '{"pending": 1, "running": 0, "completed": 2, "failed": 0, "dead": 0, "cancelled": 0, '
        '"expired": 0, "total": 3}\n'
        '["pending", "completed", "completed"] job_2 ["pending"]\n'
        "2 1\n"
    )


def test_running_jobs_finish_at_shutdown_and_queued_ones_stay_queued(nexa):
    out = run_ok(
        nexa,
        """job Work on "q" { perform(n) { sleep_ms(100) print("finished " + n) } }
flow main {
    Work.enqueue({n: 1})
    sleep_ms(10)
    Work.enqueue_in(3600, {n: 2})
    print("main done")
}
""",
    )
    assert out == "main done\nfinished 1\n"


def test_a_bad_option_is_e100_at_the_enqueue(nexa):
    outcome = nexa(
        'job J on "q" { perform() { print(1) } }\nflow main {\n    J.enqueue({}, {priority: "urgent"})\n}\n'
    )
    assert outcome.code == 1
    assert outcome.err.startswith(
        "Error: RuntimeError: job 'J': priority must be low, normal, high or critical\n  --> main.nx:3:5\n"
    )
