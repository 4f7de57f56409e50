"""Inlay hints (nexa_lang.inlay_hints): parameter names and agent-call token estimates."""

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.inlay_hints import InlayKind, inlay_hints
from nexa_lang.model import Workspace
from nexa_lang.positions import Span


def analysis_of(text: str) -> Analysis:
    workspace = Workspace()
    return analyze(workspace, workspace.set_text("/virtual/main.nx", text))


def hints(text: str, kind: InlayKind) -> list[tuple[str, str]]:
    """(label, the source text right before the hint) for each hint of `kind`."""
    analysis = analysis_of(text)
    source = analysis.file.source
    return [
        (h.label, source[max(h.offset - 6, 0) : h.offset].decode("utf-8", "replace"))
        for h in inlay_hints(analysis)
        if h.kind is kind
    ]


FLOW = "flow greet(name: str, greeting: str) -> str { return greeting + name }\n"


def test_parameter_names_before_positional_flow_arguments():
    labels = [label for label, _ in hints(FLOW + 'flow main() { greet("Ada", "hi") }', InlayKind.PARAMETER)]
    assert labels == ["name:", "greeting:"]


def test_no_parameter_hint_for_named_arguments_or_same_named_variables():
    text = FLOW + 'flow main() {\n  name = "Ada"\n  greet(name, greeting="hi")\n}'
    assert hints(text, InlayKind.PARAMETER) == []


def test_no_parameter_hint_for_prelude_functions():
    assert hints('flow main() { print(len("x")) }', InlayKind.PARAMETER) == []


def test_parameter_hints_for_std_functions():
    labels = [label for label, _ in hints('flow main() { std.fs.file_write("a", "b") }', InlayKind.PARAMETER)]
    assert labels == ["path:", "content:"]


def test_token_hint_after_an_agent_run_call():
    text = 'agent A {\n  model: "openai/gpt-4o"\n  prompt: "Summarize."\n}\nflow main() { A.run("abcdefgh") }'
    found = hints(text, InlayKind.TOKENS)
    assert len(found) == 1
    label, before = found[0]
    # system "Summarize." (10 chars → 3 tokens) + user "abcdefgh" (8 chars → 2 tokens)
    assert label == "≈5 tokens · 0.0% of 128,000 (gpt-4o)" and before.endswith('gh")')


def test_token_hint_after_the_agent_name_in_a_pipeline():
    text = 'agent A { prompt: "p" }\nagent B { prompt: "q" }\nflow main() { x = "题目" >> A >> B }'
    found = hints(text, InlayKind.TOKENS)
    assert [before[-1] for _, before in found] == ["A", "B"]
    assert found[0][0].startswith("≈2 tokens") and found[1][0].startswith("≥")


def test_unknown_model_says_context_unknown():
    found = hints('agent A { model: "zhipu/glm-5", prompt: "p" }\nflow main() { A("x") }', InlayKind.TOKENS)
    assert found[0][0] == "≈2 tokens · context: unknown"


def test_non_literal_input_makes_a_lower_bound():
    found = hints('agent A { prompt: "p" }\nflow main(t) { A.run(t) }', InlayKind.TOKENS)
    assert found[0][0].startswith("≥")


def test_a_local_shadowing_an_agent_gets_no_token_hint():
    text = 'agent A { prompt: "p" }\nflow main() {\n  A = "x"\n  print(A)\n}'
    assert hints(text, InlayKind.TOKENS) == []


def test_tooltip_is_the_prompt_preview():
    analysis = analysis_of('agent A { role: "Editor", prompt: "Fix." }\nflow main() { A.run("文本") }')
    hint = next(h for h in inlay_hints(analysis) if h.kind is InlayKind.TOKENS)
    assert "Role: Editor. Fix." in hint.tooltip and "文本" in hint.tooltip


def test_hints_restricted_to_a_span():
    text = FLOW + 'flow main() {\n  greet("a", "b")\n}\nflow other() {\n  greet("c", "d")\n}'
    analysis = analysis_of(text)
    start = text.index("flow other")
    assert len(inlay_hints(analysis, Span(start, len(text.encode())))) == 2
