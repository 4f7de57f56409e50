"""Agents and the DAG operators at run time (L§7.3, §7.5) under the offline provider (S§4.5)."""

from __future__ import annotations

AGENTS = """
agent Writer { role: "Writer", prompt: "Write." }
agent Editor { prompt: "Edit." }
agent Merger { prompt: "Merge." }
"""


def run_main(nexa, body: str, declarations: str = AGENTS):
    outcome = nexa(f"{declarations}\nflow main {{\n{body}\n}}\n")
    assert outcome.code == 0, outcome.err
    return outcome.out


def test_agent_run_echoes_the_input_offline(nexa):
    assert (
        run_main(nexa, 'print(Writer.run("Write  a\\npoem"), Editor("x", 2))')
        == "[Writer] Write a poem [Editor] x 2\n"
    )


def test_pipeline_feeds_each_stage_the_previous_output(nexa):
    assert run_main(nexa, 'print("topic" >> Writer >> Editor)') == "[Editor] [Writer] topic\n"


def test_pipeline_into_a_call_prepends_the_value(nexa):
    declarations = AGENTS + 'flow tag(text, label) { return label + ": " + text }'
    assert run_main(nexa, 'print("x" >> Writer >> tag("T"))', declarations) == "T: [Writer] x\n"


def test_fork_runs_every_branch_in_list_order(nexa):
    assert run_main(nexa, 'print("idea" |>> [Writer, Editor])') == '["[Writer] idea", "[Editor] idea"]\n'


def test_parallel_map_runs_the_agent_once_per_element(nexa):
    assert (
        run_main(nexa, 'print(["a", "b", "c"] |>> Writer)') == '["[Writer] a", "[Writer] b", "[Writer] c"]\n'
    )


def test_merge_joins_the_items_with_the_separator(nexa):
    assert run_main(nexa, 'print(["one", "", "two"] &>> Merger)') == "[Merger] one --- two\n"


def test_consensus_asks_with_the_number_of_responses(nexa):
    out = run_main(nexa, 'print("q" |>> [Writer, Editor] && Merger)')
    assert (
        out
        == "[Merger] Reach one consensus answer from the following 2 responses: [Writer] q --- [Editor] q\n"
    )


def test_vote_returns_the_most_frequent_reply(nexa):
    declarations = AGENTS + 'agent Writer2 { prompt: "W" }'
    assert run_main(nexa, 'print("q" && [Writer, Editor, Writer])', declarations) == "[Writer] q\n"


def test_fire_and_forget_is_none_and_finishes_before_exit(nexa):
    declarations = AGENTS + 'flow log(x) { print("logged " + x) }'
    assert run_main(nexa, 'r = "alert" || [log]\nprint(r == none)', declarations) == "true\nlogged alert\n"


def test_agent_as_data_source_stands_for_its_latest_reply(nexa):
    assert run_main(nexa, 'Writer.run("first")\nprint(Writer >> Editor)') == "[Editor] [Writer] first\n"


def test_agent_as_data_source_runs_with_empty_input_when_it_has_no_reply(nexa):
    assert run_main(nexa, "print(Writer >> Editor)") == "[Editor] [Writer]\n"


def test_fork_branches_do_not_write_history(nexa):
    body = '"x" |>> [Writer, Writer]\nprint(Writer >> Editor)'
    assert run_main(nexa, body) == "[Editor] [Writer]\n"


def test_semantic_branch_picks_by_key_terms_and_defaults_to_the_second(nexa):
    declarations = 'agent Refunds { prompt: "Handle refund requests." }\nagent Chat { prompt: "Chat." }'
    body = 'print("I want a refund" ?? Refunds : Chat)\nprint("hello there" ?? Refunds : Chat)'
    assert run_main(nexa, body, declarations) == "[Refunds] I want a refund\n[Chat] hello there\n"


def test_protocol_reply_is_a_record(nexa):
    declarations = (
        'protocol Verdict { label: "approve|reject", score: float, reasons: list[str], note: str? }\n'
        'agent Judge implements Verdict { prompt: "Judge." }'
    )
    body = (
        'r = Judge.run("ok")\n'
        'print(r, r.label, r["score"], r == {"label": "approve", "score": 0.0, "reasons": [], "note": none})'
    )
    assert run_main(nexa, body, declarations) == (
        '{"label": "approve", "score": 0.0, "reasons": [], "note": null} approve 0.0 true\n'
    )


def test_json_output_format_returns_a_parsed_value(nexa):
    declarations = 'agent J { prompt: "Answer.", output_format: "json" }'
    assert run_main(nexa, 'r = J.run("hi")\nprint(r.reply)', declarations) == "hi\n"


def test_clone_gets_a_fresh_history_and_overrides(nexa):
    body = 'Copy = Writer.clone("Copy", prompt = "Other.")\nprint(Copy.run("x"), Copy.prompt, Copy.name)'
    assert run_main(nexa, body) == "[Copy] x Other. Copy\n"


def test_agent_properties_are_readable(nexa):
    declarations = 'agent A { role: "Host", prompt: "Greet.", model: "offline", temperature: 0.5 }'
    assert run_main(nexa, "print(A.role, A.prompt, A.model, A.temperature, A.name)", declarations) == (
        "Host Greet. offline 0.5 A\n"
    )


def test_a_type_valued_property_written_with_equals_is_not_evaluated(nexa):
    # `output_type = list[str]` is a type for the checker (L§3.1.5); evaluating it indexed `list`.
    declarations = (
        'agent A { prompt: "Name fruits.", output_type = list[str], input_type = str }\n'
        'agent B { prompt = "Greet #{A.prompt}" }'
    )
    # Near miss: an interpolated `key = "…"` is still computed when the agent starts (L§3.1.4).
    assert run_main(nexa, 'print(A.run("x"), B.prompt)', declarations) == "[A] x Greet Name fruits.\n"


def test_join_labels_each_agent_output(nexa):
    out = run_main(nexa, 'print(join(Writer, Editor).run("q"))')
    assert out == "Output from Writer: [Writer] q\nOutput from Editor: [Editor] q\n"


def test_streaming_agent_writes_its_reply_to_stdout(nexa):
    declarations = 'agent S { prompt: "Talk.", stream: true }'
    assert run_main(
        nexa,
        'r = S.run("a streamed reply that is long")\nprint(r == "[S] a streamed reply that is long")',
        declarations,
    ) == ("[S] a streamed reply that is long\ntrue\n")


def test_tool_fn_called_by_the_offline_model(nexa):
    declarations = (
        '@tool("Add two numbers")\nfn add(a: int, b: int): int { return a + b }\n'
        'agent Clerk { prompt: "Use tools." }'
    )
    out = run_main(nexa, 'print(Clerk.run("sum\\n@call add {\\"a\\": 2, \\"b\\": 3}"))', declarations)
    assert out == "[Clerk] sum\nadd -> 5\n"


def test_model_failure_falls_back_to_the_next_model(nexa):
    declarations = 'agent Flaky { model: "offline/fail", fallback: "offline", prompt: "Answer." }'
    assert run_main(nexa, 'print(Flaky.run("ping"))', declarations) == "[Flaky] ping\n"


def test_model_failure_without_fallback_is_an_agent_error(nexa):
    declarations = 'agent Flaky { model: "offline/fail", prompt: "Answer." }'
    body = 'try { Flaky.run("ping") } catch (AgentError e) { print(e.code, e.message) }'
    assert run_main(nexa, body, declarations) == (
        "E102 model call failed for agent 'Flaky' on 'offline/fail': offline fault injection\n"
    )


def test_run_result_turns_failures_into_err(nexa):
    declarations = 'agent Flaky { model: "offline/fail", prompt: "Answer." }'
    assert (
        run_main(nexa, 'r = Flaky.run_result("x")\nprint(r otherwise "recovered")', declarations)
        == "recovered\n"
    )


def test_history_continues_across_runs(nexa):
    declarations = 'agent Counter { prompt: "Count.", max_history_turns: 1 }'
    assert run_main(nexa, 'Counter.run("a")\nprint(Counter.run("b"))', declarations) == "[Counter] b\n"
