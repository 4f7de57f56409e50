"""W002 performance-hint (diagnostics.md §5)."""

AGENTS = (
    'agent Optimist { prompt: "Give the best case." }\n'
    'agent Pessimist { prompt: "Give the worst case." }\n'
    'agent Judge { prompt: "Weigh both views." }\n'
)
MESSAGE = "agent calls on lines 5–6 do not depend on each other; they could run in parallel"


def test_w002_independent_calls_range_over_the_group(found):
    text = AGENTS + 'flow main {\n    up = Optimist.run("x")\n    down = Pessimist.run("x")\n}\n'
    assert found(text, "W002") == [("W002", 5, 5, MESSAGE)]


def test_w002_not_reported_when_the_second_call_reads_the_first_result(found):
    text = AGENTS + 'flow main {\n    up = Optimist.run("x")\n    down = Pessimist.run(up)\n}\n'
    assert found(text, "W002") == []


def test_w002_a_statement_in_between_ends_the_run(found):
    text = (
        AGENTS + 'flow main {\n    up = Optimist.run("x")\n    print(up)\n    down = Pessimist.run("x")\n}\n'
    )
    assert found(text, "W002") == []


def test_w002_the_same_agent_twice_starts_a_new_group(found):
    text = AGENTS + 'flow main {\n    a = Judge.run("x")\n    b = Judge.run("y")\n}\n'
    assert found(text, "W002") == []


def test_w002_streaming_agents_are_left_out(found):
    text = (
        'agent S { prompt: "p", stream: true }\nagent T { prompt: "q" }\n'
        'flow main {\n    a = S.run("x")\n    b = T.run("y")\n}\n'
    )
    assert found(text, "W002") == []


def test_w002_fix_rewrites_the_group_as_a_fork(fixed):
    text = AGENTS + 'flow main {\n    up = Optimist.run("x")\n    Pessimist("x")\n}\n'
    assert (
        fixed(text, "W002")
        == AGENTS + 'flow main {\n    fork [up = Optimist.run("x"), Pessimist("x")] merge all\n}\n'
    )


def test_w002_single_element_fan_out(found, fixed):
    text = AGENTS + 'flow main {\n    second = "x" |>> [Judge]\n}\n'
    assert found(text, "W002") == [("W002", 5, 22, "'|>>' with a single element; use '>>'")]
    assert fixed(text, "W002") == AGENTS + 'flow main {\n    second = "x" >> Judge\n}\n'


def test_w002_single_element_merge(fixed):
    text = AGENTS + "flow main(up) {\n    v = [up] &>> Judge\n}\n"
    assert fixed(text, "W002") == AGENTS + "flow main(up) {\n    v = up >> Judge\n}\n"


def test_w002_two_element_fan_out_is_fine(found):
    assert found(AGENTS + 'flow main {\n    v = "x" |>> [Judge, Optimist]\n}\n', "W002") == []


def test_w002_hot_long_prompt_points_at_the_temperature(found):
    prompt = "a" * 2001
    text = f'agent Poet {{ temperature: 1.5, prompt: "{prompt}" }}\n'
    assert found(text, "W002") == [
        (
            "W002",
            1,
            27,
            "agent 'Poet' combines temperature 1.5 with a 2001-character prompt; "
            "replies may be slow and inconsistent",
        )
    ]
    assert found(text.replace("1.5", "0.9"), "W002") == []
    assert found(f'agent Poet {{ temperature: 1.5, prompt: "{"a" * 2000}" }}\n', "W002") == []
