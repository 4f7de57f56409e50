"""Audit 4 (static checks of the H, G, S and W families, and what they met on the way): each test
pins a disagreement with diagnostics.md that was fixed, next to a near miss that must not change."""

from collections.abc import Callable

Found = Callable[..., list[tuple[str, int, int, str]]]


def test_e012_not_reported_for_mcp_and_python_tools(found: Found) -> None:
    # S§5.2: their parameters come from the MCP server or the Python module, not the program
    text = (
        'tool pyt { python: "helpers/tools.py" }\n'
        'tool repo_search { mcp: "https://tools.example.org/mcp.json" }\n'
        "flow main {\n"
        '    print(pyt("x", 2))\n'
        '    print(repo_search("query"))\n'
        '    print(repo_search.run(q = "query"))\n'
        "}\n"
    )
    assert found(text, "E012") == []


def test_e012_still_reported_for_a_described_tool_without_parameters(found: Found) -> None:
    text = 'tool d { description: "Described, no parameters" }\nflow main { print(d("x")) }\n'
    assert found(text, "E012") == [("E012", 2, 21, "'d' takes 0 argument(s) but 1 were given")]


AGENTS = (
    'agent Pro { prompt: "Argue for." }\n'
    'agent Con { prompt: "Argue against." }\n'
    'agent Indexer { prompt: "Index the documents." }\n'
)


def test_g001_g007_g010_count_a_read_of_a_top_level_variable_from_a_flow(found: Found) -> None:
    # a top-level variable is a global: a flow that reads it may run at any time (L§6.1)
    text = AGENTS + (
        'views = "four-day week" |>> [Pro, Con]\n'
        'job = spawn Indexer("corpus/")\n'
        'sent = "notice" || [Pro, Con]\n'
        "flow main {\n"
        "    print(views)\n"
        "    print(await job)\n"
        "    print(sent)\n"
        "}\n"
    )
    assert [f[:3] for f in found(text, "G001", "G007", "G010")] == [("G010", 6, 17)]


def test_g001_g007_still_reported_for_top_level_values_nobody_reads(found: Found) -> None:
    text = AGENTS + (
        'views = "four-day week" |>> [Pro, Con]\n'
        'job = spawn Indexer("corpus/")\n'
        "flow main {\n"
        '    views2 = "x"\n'
        "    print(views2)\n"
        "}\n"
    )
    assert [f[:3] for f in found(text, "G001", "G007")] == [("G001", 4, 25), ("G007", 5, 7)]


def test_g001_counts_a_read_earlier_in_the_same_loop_body(found: Found) -> None:
    # the read runs in the next iteration, after the assignment
    text = AGENTS + (
        "flow main(a) {\n"
        "    k = none\n"
        "    for each i in [1, 2] {\n"
        "        if (k != none) { print(k) }\n"
        "        k = a |>> [Pro, Con]\n"
        "    }\n"
        "}\n"
    )
    assert found(text, "G001") == []


def test_g001_a_read_before_the_loop_does_not_count(found: Found) -> None:
    text = AGENTS + (
        "flow main(a) {\n"
        "    k = none\n"
        "    print(k)\n"
        "    for each i in [1, 2] {\n"
        "        k = a |>> [Pro, Con]\n"
        "    }\n"
        "}\n"
    )
    assert [f[:3] for f in found(text, "G001")] == [("G001", 8, 15)]


def test_g006_follows_member_calls_through_the_agent_and_self(found: Found) -> None:
    text = (
        "agent Bot {\n"
        '    prompt: "Answer the question."\n'
        "    fn a(x) { return Bot.b(x) }\n"
        "    fn b(x) { return Bot.a(x) }\n"
        "    fn c(x) { return self.c(x) }\n"
        "}\n"
        "flow main { print([Bot.a(1), Bot.c(1)]) }\n"
    )
    assert found(text, "G006") == [
        ("G006", 3, 22, "flows call each other in a cycle: Bot.a → Bot.b → Bot.a"),
        ("G006", 5, 22, "flows call each other in a cycle: Bot.c → Bot.c"),
    ]


def test_g006_no_cycle_for_member_calls_that_end(found: Found) -> None:
    text = (
        "agent Bot {\n"
        '    prompt: "Answer the question."\n'
        "    fn a(x) { return Bot.b(x) }\n"
        "    fn b(x) { return self.run(x) }\n"
        "}\n"
        "flow main { print(Bot.a(1)) }\n"
    )
    assert found(text, "G006") == []


def test_h018_not_reported_for_an_interpolated_condition(found: Found) -> None:
    # the condition is an expression: its text is only known at run time (L§1.6.5)
    text = (
        "flow main {\n"
        '    goal = "the summary names every speaker"\n'
        '    x = "a"\n'
        '    verify "#{goal}" against x\n'
        "}\n"
    )
    assert found(text, "H018") == []


def test_h018_still_reported_for_a_short_plain_condition(found: Found) -> None:
    text = 'flow main {\n    x = "a"\n    verify "  short  " against x\n}\n'
    assert found(text, "H018") == [("H018", 3, 12, "verify condition 'short' is too short to judge reliably")]


def test_w004_a_blank_description_alone_means_no_instructions(
    found: Found, fixed: Callable[..., str]
) -> None:
    text = 'agent Quiet { description: "" }\nflow main { print(Quiet.run("x")) }\n'
    assert found(text, "W004") == [("W004", 1, 7, "agent 'Quiet' has no instructions; add a 'prompt'")]
    assert fixed(text, "W004").startswith('agent Quiet { prompt: "", description: "" }')


def test_w004_a_blank_prompt_is_still_an_empty_prompt(found: Found) -> None:
    text = 'agent Quiet { prompt: "  ", description: "" }\nflow main { print(Quiet.run("x")) }\n'
    assert found(text, "W004") == [("W004", 1, 7, "agent 'Quiet' has an empty prompt")]
