"""Harness primitives at run time (L§7.10): lifecycle hooks, with_context/context_policy budgets per
strategy (E403), copy-on-write snapshots, fork … merge strategies, verify per harness mode, reflect,
autoloop exit_when; type modes (E111); the reply cache."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

from nexa_avm.providers import OfflineProvider


class Capturing(OfflineProvider):
    """The offline provider, keeping every request it answers."""

    def __init__(self) -> None:
        super().__init__(environ={})
        self.requests: list[Any] = []

    async def complete(self, request: Any) -> Any:
        self.requests.append(request)
        return await super().complete(request)


def run_captured(source: str, tmp_path: Path, monkeypatch, **options: Any) -> tuple[str, str, Capturing]:
    from nexa_avm.cli import run_program
    from nexa_avm.interpreter import Interpreter
    from nexa_avm.loading import load_program

    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.nx").write_text(source, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    program = load_program("main.nx", err, use_cache=False).program
    assert program is not None, err.getvalue()
    provider = Capturing()
    vm = Interpreter(program, provider, stdout=out, stderr=err, **options)

    class Args:
        flow = None
        args: list[str] = []
        command = "run"
        file = "main.nx"

    asyncio.run(run_program(vm, Args(), out, err))  # type: ignore[arg-type]
    return out.getvalue(), err.getvalue(), provider


def texts(request: Any) -> list[tuple[str, str]]:
    return [(m.role, m.text()) for m in request.messages]


# ------------------------------------------------------------------------------------ hooks


def test_step_hooks_fire_around_every_agent_run_including_nested_calls(nexa):
    source = """agent A { prompt: "p" }
flow helper() { return A.run("inner") }
flow main {
    before_step { print("before") }
    after_step { print("after") }
    print(A.run("one"))
    print(helper())
}
"""
    outcome = nexa(source)
    assert outcome.out == "before\nafter\n[A] one\nbefore\nafter\n[A] inner\n", outcome.err


def test_hooks_are_registered_for_the_rest_of_the_activation_only(nexa):
    source = """agent A { prompt: "p" }
flow other() { print(A.run("elsewhere")) }
flow main {
    print(A.run("early"))
    before_step { print("hook") }
    print(A.run("late"))
    other()
}
flow unrelated() { print(A.run("x")) }
"""
    assert nexa(source).out == "[A] early\nhook\n[A] late\nhook\n[A] elsewhere\n"


def test_on_error_fires_for_a_matching_kind_and_the_error_still_propagates(nexa):
    source = """agent Broken { prompt: "p", model: "offline/fail", retry: 1 }
flow main {
    on_error(e: TimeoutError) { print("timeout hook") }
    on_error(e: AgentError) { print("hook saw", e.code) }
    try { Broken.run("x") } catch (err) { print("caught", err.kind) }
}
"""
    assert nexa(source).out == "hook saw E102\ncaught AgentError\n"


def test_tool_hooks_fire_around_a_model_call_of_that_tool(nexa):
    source = """@tool("Shout") fn shout(text: str) -> str { return text + "!" }
@tool("Whisper") fn whisper(text: str) -> str { return text }
agent Crier { prompt: "p" }
flow main {
    before_tool(shout) { print("before shout") }
    after_tool(shout) { print("after shout") }
    print(Crier.run("@call shout {\\"text\\": \\"a\\"}\\n@call whisper {\\"text\\": \\"b\\"}"))
}
"""
    outcome = nexa(source)
    assert outcome.out == "before shout\nafter shout\n[Crier] \nshout -> a!\nwhisper -> b\n", outcome.err


# ------------------------------------------------------------------------------------ context


HISTORY = """agent Chat { prompt: "You chat." }
flow main {
    Chat.run("alpha apples are red fruit")
    Chat.run("bravo bananas are yellow")
    Chat.run("charlie cherries are small")
    %s
}
"""


def test_sliding_window_drops_the_oldest_messages(tmp_path, monkeypatch):
    body = 'with_context max_tokens: 30, strategy: sliding_window { Chat.run("more about cherries") }'
    _, err, provider = run_captured(HISTORY % body, tmp_path, monkeypatch)
    assert texts(provider.requests[-1]) == [
        ("system", "You chat."),
        ("user", "charlie cherries are small"),
        ("assistant", "[Chat] charlie cherries are small"),
        ("user", "more about cherries"),
    ], err


def test_importance_weighted_keeps_what_shares_terms_with_the_question(tmp_path, monkeypatch):
    body = 'with_context max_tokens: 30, strategy: importance_weighted { Chat.run("tell me about bananas") }'
    _, _, provider = run_captured(HISTORY % body, tmp_path, monkeypatch)
    assert texts(provider.requests[-1]) == [
        ("system", "You chat."),
        ("user", "bravo bananas are yellow"),
        ("assistant", "[Chat] bravo bananas are yellow"),
        ("user", "tell me about bananas"),
    ]


def test_summarize_replaces_the_dropped_messages_by_a_summary(tmp_path, monkeypatch):
    words = ", ".join('"' + (word + " ") * 60 + '"' for word in ("alpha", "bravo", "charlie"))
    source = f"""agent Chat {{ prompt: "You chat." }}
flow main {{
    for each text in [{words}] {{ Chat.run(text) }}
    with_context max_tokens: 200, strategy: summarize {{ Chat.run("next") }}
}}
"""
    _, _, provider = run_captured(source, tmp_path, monkeypatch)
    sent = texts(provider.requests[-1])
    assert [role for role, _ in sent] == ["system", "system", "assistant", "user"]
    summary = sent[1][1]
    assert summary.startswith("Previous conversation summary: alpha alpha")
    assert summary.count(" | ") == 4  # five messages summarized (S§4.5.6: 80 code points each)
    assert sent[2][1].startswith("[Chat] charlie") and sent[3] == ("user", "next")


def test_stored_history_is_not_trimmed(tmp_path, monkeypatch):
    body = 'with_context max_tokens: 30 { Chat.run("x") }\n    Chat.run("y")'
    _, _, provider = run_captured(HISTORY % body, tmp_path, monkeypatch)
    assert len(provider.requests[-1].messages) == 10  # system + 4 exchanges + the new message


def test_context_policy_bounds_the_rest_of_the_activation_and_agent_policy_applies(tmp_path, monkeypatch):
    body = (
        'context_policy { max_tokens: 30, strategy: "sliding_window" }\n    Chat.run("more about cherries")'
    )
    _, _, provider = run_captured(HISTORY % body, tmp_path, monkeypatch)
    assert len(provider.requests[-1].messages) == 4
    source = (
        HISTORY.replace('prompt: "You chat."', 'prompt: "You chat.", context_policy: {max_tokens: 30}') % ""
    )
    _, _, provider = run_captured(source, tmp_path, monkeypatch)
    assert texts(provider.requests[-1])[-1] == ("user", "charlie cherries are small")
    assert len(provider.requests[-1].messages) <= 4


def test_a_request_that_cannot_fit_is_e403(nexa):
    source = (
        'agent Digest { prompt: "Summarize." }\n'
        'flow main { with_context max_tokens: 5 { Digest.run("a long report text here") } }\n'
    )
    outcome = nexa(source)
    assert outcome.code == 1
    assert (
        "Error: AgentError: agent 'Digest' needs about 9 tokens but its context budget is 5\n" in outcome.err
    )
    assert "= code E403 (context-overflow)" in outcome.err


# ------------------------------------------------------------------------------------ snapshots


def test_restore_brings_back_values_mutated_after_the_snapshot(nexa):
    source = """flow main {
    items = [1, 2]
    config = {"mode": "a", "tags": items}
    snap = snapshot()
    items[0] = 99
    config["mode"] = "b"
    extra = "new"
    restore(snap)
    print(items, config)
    config.tags[1] = 7
    print(items)
    try { print(extra) } catch (e) { print(e.code) }
}
"""
    outcome = nexa(source)
    assert outcome.out == '[1, 2] {"mode": "a", "tags": [1, 2]}\n[1, 7]\nE108\n', outcome.err


def test_restore_resets_agent_histories(tmp_path, monkeypatch):
    source = """agent A { prompt: "p" }
flow main {
    A.run("one")
    snap = snapshot()
    A.run("two")
    restore(snap)
    A.run("three")
}
"""
    _, _, provider = run_captured(source, tmp_path, monkeypatch)
    assert [t for r, t in texts(provider.requests[-1]) if r == "user"] == ["one", "three"]


def test_a_snapshot_can_be_restored_twice(nexa):
    source = """flow main {
    xs = [1]
    s = snapshot()
    xs[0] = 2
    restore(s)
    xs[0] = 3
    restore(s)
    print(xs)
}
"""
    assert nexa(source).out == "[1]\n"


# ------------------------------------------------------------------------------------ fork … merge


def test_merge_strategies(nexa):
    source = """flow main {
    print(fork [3, 10, 7] merge best_of)
    print(fork ["yes", "no", "yes"] merge vote)
    print(fork [1, 2] merge first)
    print(fork [1, "a"] merge all)
    print(fork [1, 2, "x"] merge weighted_average)
    print(fork [{"score": 2}, {"score": 5}] merge best)
    print(fork [a = 1, b = 2] merge all, a, b)
}
"""
    outcome = nexa(source)
    assert outcome.out == '10\nyes\n1\n[1, "a"]\n1.5\n{"score": 5}\n[1, 2] 1 2\n', outcome.err


def test_a_failed_branch_is_excluded_and_all_failing_raises_the_first(nexa):
    source = """flow main {
    print(fork [1 / 0, 5] merge all)
    try { fork [1 / 0, int("x")] merge all } catch (e) { print(e.message) }
}
"""
    assert nexa(source).out == "[5]\ndivision by zero\n"


# ------------------------------------------------------------------------------- verify, reflect, autoloop


VERIFY = 'flow main {\n    x = 3\n    verify x satisfies str\n    print("after")\n}\n'


def test_verify_per_harness_mode(nexa):
    warn = nexa(VERIFY)
    assert (warn.code, warn.out) == (0, "after\n") and "[verify] FAIL: x" in warn.err
    strict = nexa(VERIFY, "--harness", "strict")
    assert strict.code == 1 and "Error: VerifyError: verify failed: x" in strict.err
    off = nexa(VERIFY, "--harness", "off")
    assert (off.code, off.out) == (0, "after\n") and "[verify]" not in off.err


def test_reflect_injects_a_system_note_into_the_next_run_only(tmp_path, monkeypatch):
    source = """agent A { prompt: "p" }
flow main {
    reflect "Be shorter next time"
    A.run("one")
    A.run("two")
}
"""
    _, _, provider = run_captured(source, tmp_path, monkeypatch)
    first, second = provider.requests
    assert ("system", "Be shorter next time") in texts(first)
    # sent with the next run only: the note is not stored in the history (L§7.10.7, R24)
    assert ("system", "Be shorter next time") not in texts(second)


def test_autoloop_exit_when_is_judged_after_each_iteration(nexa):
    source = """flow main {
    n = 0
    autoloop max_steps: 5, exit_when: "the count is done" { n = n + 1 }
    m = 0
    autoloop max_steps: 3 { m = m + 1 }
    print(n, m)
}
"""
    outcome = nexa(source)
    assert outcome.out == "1 3\n"
    assert "autoloop stopped after max_steps (3) iterations" in outcome.err


# ------------------------------------------------------------------------------------ type modes


TYPED = (
    "flow area(side: float) -> float { return side * side }\n"
    'flow main {\n    s = "3" + ""\n    print(area(s))\n}\n'
)


def test_type_mode_warn_converts_numeric_strings_and_reports(nexa):
    outcome = nexa(TYPED)
    assert outcome.out == "9.0\n"
    assert (
        "warning[E111]: type violation: parameter 'side' of flow 'area' expects float, got str" in outcome.err
    )


def test_type_mode_strict_raises_type_violation(nexa):
    source = (
        'flow twice(n: int) -> int { return n * 2 }\nflow main {\n    v = "2" + ""\n'
        "    try { twice(v) } catch (e) { print(e.kind, e.code, e.message) }\n}\n"
    )
    outcome = nexa(source, "--type-mode", "strict")
    assert (
        outcome.out
        == "TypeViolation E111 type violation: parameter 'n' of flow 'twice' expects int, got str\n"
    )


def test_type_mode_forgiving_reports_nothing(nexa, monkeypatch):
    monkeypatch.setenv("NEXA_TYPE_MODE", "forgiving")
    source = 'flow show(n: int) { print(n) }\nflow main {\n    v = "x" + ""\n    show(v)\n}\n'
    outcome = nexa(source)
    assert (outcome.out, "E111" in outcome.err) == ("x\n", False)


# ------------------------------------------------------------------------------------ reply cache


def events(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    return [
        e for e in json.loads((tmp_path / "trace.json").read_text(encoding="utf-8")) if e["event"] == name
    ]


def test_cache_true_reuses_an_identical_request_across_runs(nexa, tmp_path: Path):
    source = 'agent C { prompt: "p", cache: true }\nflow main { print(C.run("same question")) }\n'
    first = nexa(source, "--trace", "trace.json")
    assert first.out == "[C] same question\n" and events(tmp_path, "cache_hit") == []
    second = nexa(source, "--trace", "trace.json")
    assert second.out == first.out and len(events(tmp_path, "cache_hit")) == 1
    assert (tmp_path / ".nexa_cache" / "replies" / "C.json").is_file()


def test_smart_cache_reuses_a_similar_question_and_the_threshold_decides(nexa, tmp_path: Path):
    source = (
        'agent C { prompt: "p", cache: "smart", cache_threshold: 0.5 }\n'
        'flow main {\n    print(C.run("weather in paris today"))\n'
        '    print(C.run("paris weather today please"))\n}\n'
    )
    outcome = nexa(source, "--trace", "trace.json")
    assert outcome.out == "[C] weather in paris today\n[C] weather in paris today\n"
    strict = source.replace("0.5", "1")
    assert nexa(strict, "--trace", "trace.json", "--no-cache").out.endswith(
        "[C] paris weather today please\n"
    )


def test_cache_ttl_expires_entries(tmp_path):
    from nexa_avm.providers import Message, ModelRequest
    from nexa_avm.reply_cache import ReplyCache

    now = [1000.0]
    cache = ReplyCache(str(tmp_path / "replies"), clock=lambda: now[0])
    request = ModelRequest(model="m", messages=(Message.user("hello there"),))
    cache.store("A", request, "hi", ttl=10)
    assert cache.lookup("A", request, "exact", ttl=10, threshold=0.95) == "hi"
    now[0] += 11
    assert cache.lookup("A", request, "exact", ttl=10, threshold=0.95) is None
