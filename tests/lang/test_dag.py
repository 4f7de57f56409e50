"""The flow graph builder (nexa_lang.dag): node kinds, edges, ranges and the flow choice."""

import pytest

from nexa_lang.dag import UnknownFlowError, build_flow_graph
from nexa_lang.model import program_of_text

AGENTS = "".join(f'agent {n} {{ prompt: "{n}" }}\n' for n in ("A", "B", "C", "Editor", "Judge"))


def graph(body: str, flow: str | None = None, extra: str = ""):
    source = AGENTS + extra + "flow main(q) {\n" + body + "\n}\n"
    return source, build_flow_graph(program_of_text(source), flow)


def shape(g) -> tuple[list[tuple[str, str]], set[tuple[str, str, str | None]]]:
    labels = {n.id: n.label for n in g.nodes}
    return (
        [(n.kind, n.label) for n in g.nodes],
        {(labels[e.source], labels[e.target], e.label) for e in g.edges},
    )


def test_pipeline_links_stages_in_order():
    _, g = graph("r = q >> A >> B")
    nodes, edges = shape(g)
    assert nodes[:3] == [("input", "q"), ("agent", "A"), ("agent", "B")]
    assert {("q", "A", None), ("A", "B", None)} <= edges


def test_fork_then_merge_then_pipeline():
    _, g = graph("r = q |>> [A, B] &>> Editor >> C")
    kinds = [n.kind for n in g.nodes]
    assert kinds == ["input", "fork", "agent", "agent", "merge", "agent", "agent", "output"][
        : len(kinds)
    ] or kinds[:7] == ["input", "fork", "agent", "agent", "merge", "agent", "agent"]
    _, edges = shape(g)
    assert {
        ("|>>", "A", None),
        ("|>>", "B", None),
        ("A", "&>>", None),
        ("B", "&>>", None),
        ("&>>", "Editor", None),
        ("Editor", "C", None),
    } <= edges


def test_semantic_branch_has_labelled_arms():
    _, g = graph("r = q ?? A : B")
    _, edges = shape(g)
    assert {("??", "A", "yes"), ("??", "B", "no")} <= edges


def test_intent_match_arms_carry_the_intent_label():
    _, g = graph('r = match q { intent("refund") => A.run(q)\n _ => B.run(q) }')
    _, edges = shape(g)
    assert ("match intent", "A", "refund") in edges and ("match intent", "B", "_") in edges


def test_variables_carry_values_between_statements():
    _, g = graph("draft = A.run(q)\nfinal = Editor.run(draft)\nreturn final")
    nodes, edges = shape(g)
    assert ("A", "Editor", None) in edges
    assert ("output", "result") in nodes and ("Editor", "result", None) in edges


def test_flow_call_and_consensus_and_fire_and_forget():
    _, g = graph("helper(q)\nv = q |>> [A, B] && Judge\nq || [C]", extra="flow helper(x) { return x }\n")
    kinds = [n.kind for n in g.nodes]
    assert "flow_call" in kinds and "consensus" in kinds and "fire_and_forget" in kinds


def test_node_range_points_at_its_text():
    source, g = graph("r = q >> Editor")
    editor = next(n for n in g.nodes if n.label == "Editor")
    assert source.encode()[editor.span.start : editor.span.end] == b"Editor"


def test_ids_are_stable_for_the_same_text():
    _, first = graph("r = q |>> [A, B] &>> C")
    _, second = graph("r = q |>> [A, B] &>> C")
    assert [(n.id, n.kind, n.label) for n in first.nodes] == [(n.id, n.kind, n.label) for n in second.nodes]


def test_default_flow_is_main_else_the_first():
    g = build_flow_graph(program_of_text("flow b { x = 1 }\nflow a { y = 2 }\n"))
    assert g.flow == "b" and g.flows == ["b", "a"]


def test_no_flows_gives_an_empty_graph():
    g = build_flow_graph(program_of_text('agent A { prompt: "x" }'))
    assert (g.flow, g.flows, g.nodes, g.edges) == (None, [], [], [])


def test_unknown_flow_is_an_error():
    with pytest.raises(UnknownFlowError, match="unknown flow 'nope'"):
        build_flow_graph(program_of_text("flow main { x = 1 }"), "nope")


# --- activation graphs: what the G-checks read (G001, G004, G007, G010) ---------------------------

from nexa_lang.dag import activation_graphs  # noqa: E402


def graphs_of(source: str) -> dict[str, object]:
    """The activation graphs of a program, by the kind and name of their activation."""
    found = {}
    for g in activation_graphs(program_of_text(AGENTS + source)):
        node = g.activation.node
        found[f"{g.activation.kind}:{getattr(node, 'name', '') or ''}"] = g
    return found


def test_every_activation_with_a_body_gets_a_graph():
    source = (
        'x = "top" |>> [A, B]\n'
        'test "t" { y = "t" |>> [A, B] }\n'
        'agent M { prompt: "m"\n fn helper(q) { return q |>> [A, B] } }\n'
        'job Sync on "q" { perform() { z = "j" |>> [A, B] } }\n'
        "flow main { f = fn(q) { return q |>> [A, B] }\n print(f) }\n"
    )
    graphs = graphs_of(source)
    with_fan_outs = sorted(k for k, g in graphs.items() if any(s.expr.op == "|>>" for s in g.values))
    assert with_fan_outs == ["function:helper", "job:Sync", "lambda:", "test:t", "top:"]


def test_a_value_site_records_what_its_statement_does_with_it():
    [g] = [
        g
        for k, g in graphs_of(
            "flow main(q) {\n q |>> [A, B]\n v = q |>> [A, C]\n print(q |>> [B])\n}"
        ).items()
        if k == "flow:main"
    ]
    assert [(s.fate, s.name) for s in g.values] == [("discarded", None), ("assigned", "v"), ("used", None)]


def test_reads_of_a_local_are_recorded_in_print_arguments_returns_and_interpolations():
    source = 'flow main(q) {\n a = q\n print(a)\n B.run(a)\n s = "#{a}"\n f = fn() { return a }\n return a\n}'
    [g] = [g for k, g in graphs_of(source).items() if k == "flow:main"]
    lines = [source[: start - len(AGENTS)].count("\n") + 1 for start in g.reads["a"]]
    assert lines == [3, 4, 5, 6, 7]


def test_a_read_after_the_assignment_is_found_and_one_before_is_not():
    source = "flow main(q) {\n print(v)\n v = q |>> [A, B]\n}"
    [g] = [g for k, g in graphs_of(source).items() if k == "flow:main"]
    [site] = g.values
    assert not g.is_read_after("v", site.after)


def test_stage_pairs_cover_chains_merges_and_both_branch_arms():
    source = "flow main(q) { r = q >> A >> B\n m = [A, B] &>> C\n b = q ?? A : B }"
    [g] = [g for k, g in graphs_of(source).items() if k == "flow:main"]
    pairs = [(type(p.producer).__name__, getattr(p.stage, "id", "?"), p.merged) for p in g.stages]
    assert pairs == [
        ("Name", "A", False),
        ("Dag", "B", False),
        ("ListLit", "C", True),
        ("Name", "A", False),
        ("Name", "B", False),
    ]


def test_match_arm_blocks_are_part_of_the_graph():
    _, g = graph("r = match q { 1 => { A.run(q) }\n _ => none }")
    assert ("agent", "A") in shape(g)[0]


def reachable_from_input(g) -> set[str]:
    seen = {n.id for n in g.nodes if n.kind == "input"}
    stack = list(seen)
    while stack:
        for target in g.successors(stack.pop()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_nodes_fed_by_constants_hang_off_the_input():
    _, g = graph('a = A.run("hello")\nf = fork [x = B.run("1"), y = C.run("2")] merge all\nprint(await 5)')
    assert reachable_from_input(g) == {n.id for n in g.nodes}
    _, edges = shape(g)
    assert ("q", "A", None) in edges and ("q", "fork", None) in edges


def test_an_agent_as_data_source_is_a_node():
    _, g = graph("r = A >> B\ns = [A, q] &>> C\nt = A |>> [B, C]")
    _, edges = shape(g)
    assert {("A", "B", None), ("A", "&>>", None), ("q", "&>>", None), ("A", "|>>", None)} <= edges
    assert ("pipe_call", "q") not in shape(g)[0]  # a variable in the merged list is a value, not a stage


def test_vote_runs_each_agent_with_the_input_then_takes_the_majority():
    _, g = graph("r = q && [A, B, C]\nreturn r")
    nodes, edges = shape(g)
    assert ("consensus", "vote") in nodes
    assert {("q", n, None) for n in "ABC"} <= edges
    assert {(n, "vote", None) for n in "ABC"} <= edges
    assert ("vote", "result", None) in edges


def test_join_runs_its_agents_with_the_input_and_feeds_the_next_agent():
    _, g = graph("r = join(A, B).C(q)")
    _, edges = shape(g)
    assert {("q", "A", None), ("q", "B", None), ("A", "join", None), ("B", "join", None)} <= edges
    assert ("join", "C", None) in edges and ("q", "join", None) not in edges


def test_a_variable_set_in_both_arms_of_an_if_carries_both_values():
    _, g = graph('if q == "" { v = q >> A } else { v = q >> B }\nw = v >> C')
    _, edges = shape(g)
    assert {("A", "C", None), ("B", "C", None)} <= edges


def test_a_variable_set_in_one_semantic_if_arm_keeps_its_earlier_value_too():
    _, g = graph('v = q >> A\nsemantic_if "urgent" against q { v = q >> B }\nw = v >> C')
    _, edges = shape(g)
    assert {("A", "C", None), ("B", "C", None)} <= edges


def test_an_else_semantic_if_hangs_off_the_first_with_no():
    _, g = graph('semantic_if "a" against q { A.run(q) } else semantic_if "b" against q { B.run(q) }')
    _, edges = shape(g)
    assert ("a", "b", "no") in edges and ("a", "A", "yes") in edges and ("b", "B", "yes") in edges


def test_spawned_flow_is_a_flow_call_and_a_spawned_lambda_shows_its_body():
    extra = "flow worker(x) { return x }\n"
    _, g = graph("h = spawn worker(q)\nt = spawn(fn() { return q >> B })\nr = await t", extra=extra)
    nodes, edges = shape(g)
    assert ("flow_call", "worker") in nodes
    assert ("spawn", "worker") in nodes and ("worker", "worker", None) in edges  # spawn → flow_call
    assert {("task", "B", None), ("B", "await", None)} <= edges


def test_every_operator_gives_a_well_formed_graph_with_stable_ids():
    body = """
    r1 = q >> A >> B
    r2 = q |>> [A, B] &>> C
    r3 = q |>> [A, B] && Judge
    q || [A, B]
    r4 = q ?? A : B
    r5 = q ?? { "x" => A, "y" => B >> C }
    r6 = r1 ?? r2 ?? "none"
    r7 = q |> std.text.text_upper
    r8 = q && [A, B, C]
    r9 = match q { intent("hi") => A.run(q), _ => q >> B >> C }
    r10 = semantic_if (q, "tone") { "good" => A, "bad" => B }
    for each item in r2 { item >> C }
    loop { d = q >> A } until ("the draft is final")
    best = fork [x = q >> A, y = q >> B] merge best_of
    t = spawn(fn() { return q >> B })
    done = await t
    return [r1, r3, r4, r5, r6, r7, r8, r9, r10, best, done] &>> Judge
    """
    source, g = graph(body)
    ids = {n.id for n in g.nodes}
    assert all(e.source in ids and e.target in ids for e in g.edges)
    assert reachable_from_input(g) == ids
    assert all(0 <= n.span.start <= n.span.end <= len(source.encode()) for n in g.nodes)
    again = build_flow_graph(program_of_text(source))
    assert [(n.id, n.kind, n.label) for n in again.nodes] == [(n.id, n.kind, n.label) for n in g.nodes]
    assert [(e.source, e.target, e.label) for e in again.edges] == [
        (e.source, e.target, e.label) for e in g.edges
    ]
