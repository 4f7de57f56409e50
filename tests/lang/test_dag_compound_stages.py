"""The flow graph of compound forms inside a pipeline: which node feeds which (nexa_lang.dag).

Each test pins the exact edge set (source label → target label, edge label) of one form, as the VM
runs it: a pipeline in a runnable position (a `??` arm or case, a `semantic_if` case, the right
operand of a DAG operator) is a chain whose first stage receives the input (L§5.1, L§7.5.6); a
`match intent` arm and a list element are evaluated as values (an agent on the left of `>>` there is
a data source, D38).
"""

from nexa_lang.checker import check_text
from nexa_lang.dag import FlowGraph, build_flow_graph
from nexa_lang.model import program_of_text

AGENTS = "".join(f'agent {n} {{ prompt: "{n}" }}\n' for n in ("A", "B", "C", "D"))

Edges = set[tuple[str, str, str | None]]


def graph(body: str, extra: str = "") -> FlowGraph:
    return build_flow_graph(program_of_text(AGENTS + extra + "flow main(x) {\n" + body + "\n}\n"))


def edges(g: FlowGraph) -> Edges:
    """(source label, target label, edge label); labels here are unique in each graph."""
    labels = {n.id: n.label for n in g.nodes}
    assert len(set(labels.values())) == len(labels), labels
    found = {(labels[e.source], labels[e.target], e.label) for e in g.edges}
    assert len(found) == len(g.edges)
    return found


# ---- `??` branch: a pipeline arm is fed by the branch node


def test_branch_alternative_pipeline_starts_at_its_first_stage() -> None:
    g = graph("r = x ?? A : B >> C\nreturn r")
    assert edges(g) == {
        ("x", "??", None),
        ("??", "A", "yes"),
        ("??", "B", "no"),
        ("B", "C", None),
        ("A", "result", None),
        ("C", "result", None),
    }
    # ids stay in source order
    assert [(n.id, n.label) for n in g.nodes] == [
        ("n0", "x"),
        ("n1", "??"),
        ("n2", "A"),
        ("n3", "B"),
        ("n4", "C"),
        ("n5", "result"),
    ]


def test_branch_with_parenthesised_pipeline_is_the_same_graph() -> None:
    assert edges(graph("r = x ?? A : (B >> C)\nreturn r")) == edges(graph("r = x ?? A : B >> C\nreturn r"))


def test_branch_both_arms_pipelines_of_three_stages() -> None:
    g = graph("r = x ?? A >> D : B >> C\nreturn r")
    assert edges(g) == {
        ("x", "??", None),
        ("??", "A", "yes"),
        ("A", "D", None),
        ("??", "B", "no"),
        ("B", "C", None),
        ("D", "result", None),
        ("C", "result", None),
    }


def test_branch_of_single_agents_near_miss() -> None:
    assert edges(graph("r = x ?? A : B\nreturn r")) == {
        ("x", "??", None),
        ("??", "A", "yes"),
        ("??", "B", "no"),
        ("A", "result", None),
        ("B", "result", None),
    }


def test_branch_then_stage_feeds_both_arms_into_it() -> None:
    assert edges(graph("r = (x ?? A : B) >> C\nreturn r")) == {
        ("x", "??", None),
        ("??", "A", "yes"),
        ("??", "B", "no"),
        ("A", "C", None),
        ("B", "C", None),
        ("C", "result", None),
    }


def test_branch_case_block_pipeline_value() -> None:
    g = graph('r = x ?? { "one" => A, "two" => B >> C }\nreturn r')
    assert edges(g) == {
        ("x", "??", None),
        ("??", "A", "one"),
        ("??", "B", "two"),
        ("B", "C", None),
        ("A", "result", None),
        ("C", "result", None),
    }


def test_case_block_after_a_pipeline() -> None:
    g = graph('r = x >> A ?? { "yes" => B >> C, "no" => D }\nreturn r')
    assert edges(g) == {
        ("x", "A", None),
        ("A", "??", None),
        ("??", "B", "yes"),
        ("B", "C", None),
        ("??", "D", "no"),
        ("C", "result", None),
        ("D", "result", None),
    }


def test_branch_inside_a_loop_hangs_off_the_loop_node() -> None:
    g = graph("for item in x { r = item >> A ?? B : C >> D }\nreturn r")
    assert edges(g) == {
        ("x", "for", None),
        ("for", "A", None),
        ("A", "??", None),
        ("??", "B", "yes"),
        ("??", "C", "no"),
        ("C", "D", None),
        ("B", "result", None),
        ("D", "result", None),
    }


# ---- semantic_if and match intent


def test_semantic_if_expression_case_pipeline() -> None:
    g = graph('r = semantic_if (x, "tone") { "p" => A >> B, "n" => C }\nreturn r')
    assert edges(g) == {
        ("x", "tone", None),
        ("tone", "A", "p"),
        ("A", "B", None),
        ("tone", "C", "n"),
        ("B", "result", None),
        ("C", "result", None),
    }


def test_semantic_if_statement_arms() -> None:
    g = graph('semantic_if "ok" against x { r = A.run(x) >> B } else { r = C.run(x) }\nreturn r')
    assert edges(g) == {
        ("x", "ok", None),
        ("ok", "A", "yes"),
        ("x", "A", None),
        ("A", "B", None),
        ("ok", "C", "no"),
        ("x", "C", None),
        ("B", "result", None),
        ("C", "result", None),
    }


def test_intent_match_arm_pipeline_is_a_value_with_a_data_source() -> None:
    # the VM evaluates an arm (L§5.10.1): in `A >> B` the agent A is a data source, so A takes no
    # input from the scrutinee; it runs (only) under its arm
    g = graph('m = match x { intent("greet") => A >> B\n _ => C.run(x) }\nreturn m')
    assert edges(g) == {
        ("x", "match intent", None),
        ("match intent", "A", "greet"),
        ("A", "B", None),
        ("match intent", "C", "_"),
        ("x", "C", None),
        ("B", "result", None),
        ("C", "result", None),
    }


# ---- DAG operators around and after compound forms


def test_fork_then_pipeline_stage_receives_every_branch() -> None:
    assert edges(graph("r = x |>> [A, B] >> C\nreturn r")) == {
        ("x", "|>>", None),
        ("|>>", "A", None),
        ("|>>", "B", None),
        ("A", "C", None),
        ("B", "C", None),
        ("C", "result", None),
    }


def test_fork_merge_then_pipeline() -> None:
    assert edges(graph("r = x |>> [A, B] &>> C >> D\nreturn r")) == {
        ("x", "|>>", None),
        ("|>>", "A", None),
        ("|>>", "B", None),
        ("A", "&>>", None),
        ("B", "&>>", None),
        ("&>>", "C", None),
        ("C", "D", None),
        ("D", "result", None),
    }


def test_fork_consensus() -> None:
    assert edges(graph("r = x |>> [A, B] && C\nreturn r")) == {
        ("x", "|>>", None),
        ("|>>", "A", None),
        ("|>>", "B", None),
        ("A", "&&", None),
        ("B", "&&", None),
        ("&&", "C", None),
        ("C", "result", None),
    }


def test_vote_runs_each_agent_with_the_value() -> None:
    assert edges(graph("r = x && [A, B]\nreturn r")) == {
        ("x", "A", None),
        ("x", "B", None),
        ("A", "vote", None),
        ("B", "vote", None),
        ("vote", "result", None),
    }


def test_fire_and_forget_feeds_its_runs_and_yields_nothing() -> None:
    assert edges(graph("x || [A, B]\nr = x >> C\nreturn r")) == {
        ("x", "||", None),
        ("||", "A", None),
        ("||", "B", None),
        ("x", "C", None),
        ("C", "result", None),
    }


def test_pipeline_as_right_operand_of_pipeline_is_a_chain() -> None:
    assert edges(graph("r = x >> (A >> B) >> C\nreturn r")) == {
        ("x", "A", None),
        ("A", "B", None),
        ("B", "C", None),
        ("C", "result", None),
    }


def test_pipeline_as_parallel_map_stage_is_a_chain() -> None:
    assert edges(graph("r = x |>> (A >> B)\nreturn r")) == {
        ("x", "map", None),
        ("map", "A", None),
        ("A", "B", None),
        ("B", "result", None),
    }


def test_pipeline_as_pipe_operand_is_a_chain() -> None:
    assert edges(graph("r = x |> (A >> B)\nreturn r")) == {
        ("x", "A", None),
        ("A", "B", None),
        ("B", "result", None),
    }


def test_pipeline_in_a_fork_list_is_a_value_not_a_chain() -> None:
    # near miss: the VM evaluates a list's elements, so B is a data source (started by the flow,
    # D38), not a stage fed by the fork
    g = graph("r = x |>> [A, B >> C] &>> D\nreturn r")
    found = edges(g)
    assert ("|>>", "B", None) not in found
    assert {("x", "B", None), ("B", "C", None), ("|>>", "A", None)} <= found


def test_loop_body_hangs_off_the_loop_node() -> None:
    assert edges(graph('loop { r = x >> A >> B } until ("done")\nreturn r')) == {
        ("x", "loop … until", None),
        ("x", "A", None),
        ("loop … until", "A", None),
        ("A", "B", None),
        ("B", "result", None),
    }


# ---- what the G-checks read from the same walk


def test_g004_checks_the_first_stage_of_a_pipeline_arm() -> None:
    text = (
        'agent A { prompt: "a" }\nagent C { prompt: "c" }\n'
        "flow total(n: int) { return n }\n"
        'flow main { print("word" ?? A : total >> C) }\n'
    )
    assert [(d.code, d.message) for d in check_text(text, codes=["G004"])] == [
        ("G004", "'total' accepts int but receives str from a str literal")
    ]


def test_g004_single_stage_arm_near_miss() -> None:
    text = 'agent A { prompt: "a" }\nflow total(n: int) { return n }\nflow main { print(3 ?? A : total) }\n'
    assert check_text(text, codes=["G004"]) == []
