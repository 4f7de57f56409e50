"""Completion (nexa_lang.completion): each context on small programs, half-typed ones included."""

from pathlib import Path

import pytest

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.completion import CompletionKind, Completions, complete
from nexa_lang.model import Workspace

CURSOR = "‸"


def completions(text: str) -> Completions:
    """Completions at the ‸ of `text` (the marker is removed)."""
    analysis, offset = _at_cursor(text)
    return complete(analysis, offset)


def _at_cursor(text: str) -> tuple[Analysis, int]:
    before, after = text.split(CURSOR)
    workspace = Workspace()
    file = workspace.set_text("/virtual/main.nx", before + after)
    return analyze(workspace, file), len(before.encode("utf-8"))


# ---- agent bodies


def test_agent_body_right_after_the_brace_offers_property_keys_with_snippets():
    found = completions("agent A {\n‸")
    model = found.item("model")
    assert model is not None and model.kind is CompletionKind.PROPERTY
    assert model.insert_text == 'model: "$1"' and model.is_snippet
    assert "primary model" in model.documentation


def test_agent_body_offers_member_keywords():
    assert {"fn", "flow", "let", "uses"} <= set(completions("agent A {\n‸").labels())


def test_agent_body_enum_property_snippet_lists_the_legal_words():
    item = completions("agent A {\n‸\n}\n").item("tool_call_strategy")
    assert item is not None and item.insert_text == 'tool_call_strategy: "${1|auto,required,none|}"'


def test_agent_body_leaves_out_keys_already_set():
    labels = completions('agent A {\n    role: "r"\n    ‸\n}\n').labels()
    assert "role" not in labels and "prompt" in labels


def test_agent_body_with_a_half_typed_key_replaces_the_word():
    text = "agent A {\n  mo‸"
    found = completions(text)
    assert "model" in found.labels()
    start = text.index("mo")
    assert found.replace == (start, start + 2)


def test_property_value_offers_the_enum_words():
    assert completions("agent A {\n  tool_call_strategy: ‸\n}").labels() == ['"auto"', '"required"', '"none"']


def test_property_value_of_a_boolean_offers_true_and_false():
    assert completions("agent A {\n  stream: ‸\n}").labels()[:2] == ["true", "false"]


def test_not_in_agent_body_slot_inside_a_member_function():
    labels = completions("agent A {\n  fn f(a) {\n    ‸\n  }\n}\n").labels()
    assert "a" in labels and "self" in labels and "tool_call_strategy" not in labels


# ---- model strings


def test_model_string_right_after_the_quote_offers_model_ids():
    found = completions('agent A {\n  model: "‸')
    assert {"openai/gpt-4o", "gpt-4o", "offline", "anthropic/"} <= set(found.labels())


def test_model_string_with_a_provider_typed_offers_names_of_that_provider():
    text = 'agent A { model: "deepseek/de‸" }'
    found = completions(text)
    assert "deepseek/deepseek-chat" in found.labels()
    start = text.index("deepseek/")
    assert found.replace == (start, start + len("deepseek/de"))


def test_model_items_show_the_context_window():
    item = completions('agent A { model: "‸" }').item("openai/gpt-4o")
    assert item is not None and item.detail == "context: 128,000 tokens"


def test_fallback_list_entry_is_a_model_string():
    assert "gpt-4o-mini" in completions('agent A { model: ["gpt-4o", fallback: "‸"] }').labels()


def test_an_ordinary_string_offers_nothing():
    assert completions('flow main() {\n  x = "mo‸"\n}').items == []


def test_a_comment_offers_nothing():
    assert completions("// model: x‸\nflow main() { }").items == []


# ---- std


def test_after_std_dot_offers_namespaces():
    assert {"fs", "http", "db", "kv"} <= set(completions("flow main() {\n  y = std.‸").labels())


def test_after_std_db_dot_offers_the_database_namespaces():
    assert completions("flow main() {\n  y = std.db.‸").labels() == ["memory", "postgres", "sqlite"]


def test_after_a_std_namespace_offers_its_functions_with_signatures():
    item = completions("flow main() {\n  y = std.fs.‸").item("file_read")
    assert item is not None and item.detail == "file_read(path: str, encoding: str = …) -> str"
    assert item.insert_text == "file_read($1)"


def test_std_in_a_uses_clause():
    assert "fs" in completions("agent A uses std.‸ {\n}\n").labels()


# ---- members, implements, uses


def test_agent_members_after_the_agent_name_and_dot():
    text = (
        'agent W {\n  prompt: "p"\n  fn shout(x) { return x }\n  let banner = "b"\n}\nflow main() {\n  W.‸\n}'
    )
    labels = completions(text).labels()
    assert labels[:3] == ["run", "run_result", "clone"]
    assert {"shout", "banner", "prompt", "model"} <= set(labels)


def test_members_of_self_inside_a_member_function():
    text = 'agent W {\n  prompt: "p"\n  fn a() { return 1 }\n  fn b() { return self.‸ }\n}\n'
    assert {"a", "b", "run"} <= set(completions(text).labels())


def test_member_of_a_local_variable_is_not_an_agent_member():
    text = 'agent W { prompt: "p" }\nflow main() {\n  W = "text"\n  W.‸\n}'
    assert "run" not in completions(text).labels()


def test_implements_offers_protocols_only():
    text = 'protocol Verdict { label: str }\nagent Judge { prompt: "p" }\nagent A implements ‸'
    assert completions(text).labels() == ["Verdict"]


def test_uses_offers_tools_and_std_namespaces():
    text = 'tool search { description: "d" }\n@tool("x")\nfn shout(a: str) { return a }\nagent A uses ‸'
    labels = completions(text).labels()
    assert {"search", "shout", "std.fs", "std.db.sqlite"} <= set(labels)


# ---- names and keywords


def test_after_a_dag_operator_runnables_sort_first():
    text = 'agent Writer { prompt: "p" }\nflow polish(t) { return t }\nflow main() {\n  x = "题目" >> ‸'
    found = completions(text)
    writer, polish, length = found.item("Writer"), found.item("polish"), found.item("len")
    assert writer is not None and polish is not None and length is not None
    assert writer.sort_text < length.sort_text and polish.sort_text < length.sort_text


def test_after_a_dag_operator_no_declaration_snippets():
    kinds = {i.kind for i in completions("flow main() {\n  x = 1 >> ‸").items if i.label == "agent"}
    assert CompletionKind.SNIPPET not in kinds


def test_locals_of_the_activation_and_not_of_another():
    text = "flow other() { secret_value = 1 }\nflow main() {\n  count = 1\n  ‸\n}"
    labels = completions(text).labels()
    assert "count" in labels and "secret_value" not in labels


def test_loop_variables_are_locals():
    text = "flow main() {\n  items = [1]\n  for each it in items {\n    ‸"
    item = completions(text).item("it")
    assert item is not None and item.kind is CompletionKind.VARIABLE


def test_statement_keywords_inside_a_flow_body():
    labels = set(completions("flow main() {\n  ‸\n}").labels())
    assert {"if", "return", "match", "try"} <= labels and "agent" not in labels


def test_declaration_keywords_and_snippets_at_top_level():
    found = completions("‸")
    snippets = {i.label for i in found.items if i.kind is CompletionKind.SNIPPET}
    assert {"agent", "flow", "tool", "protocol", "test", "@tool fn"} <= snippets


def test_match_intent_snippet_in_a_flow():
    item = next(i for i in completions("flow main() {\n  ‸\n}").items if i.label == "match intent")
    assert 'intent("' in (item.insert_text or "") and item.is_snippet


def test_agent_header_offers_only_clause_keywords():
    keywords = {i.label for i in completions("agent A ‸").items if i.kind is CompletionKind.KEYWORD}
    assert keywords == {"uses", "implements", "requires", "ensures"}


def test_prelude_functions_carry_their_signature_and_doc():
    item = completions("flow main() {\n  x = ‸\n}").item("len")
    assert item is not None and item.detail == "len(x: str | list | map) -> int" and item.documentation


def test_declarations_carry_their_hover_as_documentation():
    text = '// Writes the first draft.\nagent Writer { prompt: "写一篇文章" }\nflow main() {\n  ‸\n}'
    item = completions(text).item("Writer")
    assert item is not None and item.kind is CompletionKind.AGENT
    assert "Writes the first draft." in item.documentation


def test_chinese_text_before_the_cursor_keeps_byte_spans():
    text = 'agent A { prompt: "你好，世界" }\nflow main() {\n  问 = "问题"\n  x = 问 >> A\n  y = le‸'
    found = completions(text)
    start = len(text.split(CURSOR)[0].encode()) - 2
    assert found.replace == (start, start + 2) and "len" in found.labels()


def test_completion_everywhere_in_a_corpus_file_does_not_fail(corpus_dir: Path):
    path = corpus_dir / "v1.0" / "15_dag_topology.nx"
    if not path.exists():
        path = next(corpus_dir.rglob("*.nx"))
    text = path.read_text(encoding="utf-8")
    workspace = Workspace()
    analysis = analyze(workspace, workspace.set_text(str(path), text))
    for offset in range(0, len(analysis.file.source), 7):
        complete(analysis, offset)


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.75])
def test_completion_in_truncated_corpus_files(corpus_files: list[Path], cut: float):
    for path in corpus_files[::6]:
        text = path.read_text(encoding="utf-8")
        source = text.encode("utf-8")
        at = int(len(source) * cut)
        while at < len(source) and source[at] & 0xC0 == 0x80:
            at += 1
        truncated = source[:at].decode("utf-8")
        workspace = Workspace()
        analysis = analyze(workspace, workspace.set_text(str(path), truncated))
        assert isinstance(complete(analysis, len(source[:at])), Completions)


RECORDS = """struct Vec2 { dx: Int, dy: Int }
enum Shape { Circle(r: float), Square }
protocol Report { title: str, body: str }
trait Named { fn label() : String }
impl Named for Vec2 {
    fn label() { return "v" }
}
agent Writer { prompt: "写作"\n    let tone = "calm"\n    fn helper(a) { return a } }
"""


def labels_at(text: str) -> list[str]:
    return completions(text).matching().labels()


def test_after_enum_double_colon_offers_its_variants_with_parentheses_for_fields():
    found = completions(RECORDS + "flow main { s = Shape::‸ }\n")
    assert found.labels() == ["Circle", "Square"]
    assert found.item("Circle").insert_text == "Circle($1)" and found.item("Square").insert_text is None


def test_enum_variants_in_a_match_arm_pattern():
    assert labels_at(RECORDS + "flow main(s) { match s { Shape::Sq‸ } }\n") == ["Square"]


def test_after_option_double_colon_offers_some_and_none():
    assert labels_at(RECORDS + "flow main { x = Option::‸ }\n") == ["Some", "None"]


def test_struct_value_member_offers_fields_and_impl_methods():
    found = completions(RECORDS + "flow main { v = Vec2(dx: 1, dy: 2)\n    print(v.‸) }\n")
    assert found.labels() == ["dx", "dy", "label"]
    assert found.item("dx").detail == "dx: Int"


def test_typed_parameter_member_offers_the_protocol_fields():
    assert labels_at(RECORDS + "flow f(r: Report) { return r.‸ }\n") == ["title", "body"]


def test_self_in_an_impl_offers_the_struct_fields():
    assert labels_at(RECORDS + "impl Named for Vec2 {\n    fn g() { return self.d‸ } }\n") == ["dx", "dy"]


def test_interpolation_offers_the_variables_in_scope_and_no_keywords_or_functions():
    found = completions(RECORDS + 'flow main(topic) {\n    count = 1\n    print("话题 #{‸}")\n}\n')
    assert {"topic", "count", "Writer"} <= set(found.labels())
    assert not {"if", "print", "len"} & set(found.labels())
    assert found.item("topic").insert_text is None


def test_interpolation_member_offers_the_agent_values_not_its_methods():
    found = completions(RECORDS + 'flow main { print("语气 #{Writer.‸}") }\n')
    assert "tone" in found.labels() and "role" in found.labels()
    assert not {"run", "clone", "helper"} & set(found.labels())


def test_escaped_interpolation_and_plain_strings_offer_nothing():
    assert completions(RECORDS + 'flow main(topic) { print("\\#{‸") }\n').labels() == []
    assert completions(RECORDS + 'flow main(topic) { print("话题 ‸") }\n').labels() == []


def test_triple_quoted_prompt_offers_nothing():
    assert completions(RECORDS + 'agent P { prompt: """写 ‸ """ }\n').labels() == []


@pytest.mark.parametrize(
    "slot",
    [
        "flow f(a: ‸) { return a }",
        "flow f(a: int, b: ‸) { }",
        "flow f(a: int) -> ‸ { }",
        "flow f { let x: ‸ }",
    ],
)
def test_type_positions_offer_the_declared_and_built_in_types_first(slot: str):
    found = completions(RECORDS + slot + "\n")
    ordered = [i.label for i in sorted(found.items, key=lambda i: i.sort_text)]
    assert ordered[:5] == ["Named", "Report", "Shape", "Vec2", "Option"]
    assert {"int", "str", "Int", "Agent"} <= set(ordered) and "Writer" not in ordered


def test_keyword_argument_value_in_a_call_is_not_a_type_position():
    found = completions(RECORDS + "flow main { x = Writer.helper(a: ‸) }\n")
    assert "Writer" in found.labels() and "Int" not in found.labels()


def test_member_of_a_std_import_alias_offers_the_namespace_functions():
    assert "text_upper" in completions("import std.text as txt\nflow main { txt.‸ }\n").labels()


def test_match_arm_start_offers_a_pattern_per_variant_of_the_subjects_enum_first():
    found = completions(RECORDS + "flow main(s: Shape) {\n    match s {\n        ‸\n    }\n}\n")
    ordered = [i.label for i in sorted(found.items, key=lambda i: i.sort_text)]
    assert ordered[:3] == ["Shape::Circle(r)", "Shape::Square", "_"]
    assert found.item("Shape::Circle(r)").insert_text == "Shape::Circle(${1:r})"


def test_match_arm_patterns_after_a_previous_arm_for_a_local_bound_to_a_variant():
    text = RECORDS + "flow main {\n    s = Shape::Square\n    x = match s { Shape::Square => 1, ‸ }\n}\n"
    assert "Shape::Circle(r)" in completions(text).labels()


def test_no_arm_patterns_inside_an_arm_body_or_for_an_untyped_subject():
    body = RECORDS + "flow main(s: Shape) {\n    match s {\n        Shape::Square => pri‸\n    }\n}\n"
    assert "Shape::Square" not in completions(body).labels()
    untyped = RECORDS + "flow main(s) {\n    match s {\n        ‸\n    }\n}\n"
    assert "Shape::Square" not in completions(untyped).labels()


def test_member_of_an_agents_reply_offers_the_protocol_fields():
    text = 'protocol Digest { headline: str, mood: str }\nagent S implements Digest { prompt: "p" }\n'
    assert labels_at(text + 'flow main { d = "x" >> S\n    print(d.‸) }\n') == ["headline", "mood"]


# ---- decorators (S§3.2, L§3.3)

AGENT_DECORATORS = ["limit", "timeout", "retry", "temperature"]


def test_after_at_before_an_agent_offers_the_agent_decorators_with_their_argument_forms():
    found = completions('@‸\nagent A { prompt: "x" }\n')
    assert found.labels() == AGENT_DECORATORS
    limit = found.item("limit")
    assert limit is not None and limit.insert_text == "limit(max_tokens=${1:N})" and limit.is_snippet
    assert limit.detail == "@limit(max_tokens=N)"
    retry = found.item("retry")
    assert retry is not None and retry.detail == "@retry(max_attempts=N) or @retry(count=N)"
    assert retry.insert_text == "retry(${1|max_attempts,count|}=${2:N})"
    temperature = found.item("temperature")
    assert temperature is not None and temperature.insert_text == "temperature(value=${1:F})"


def test_a_typed_decorator_prefix_filters_to_the_decorator():
    assert completions('@li‸\nagent A { prompt: "x" }\n').matching().labels() == ["limit"]


def test_after_at_before_a_fn_offers_tool_once():
    found = completions("@‸\nfn f(x: int) -> int { return x }\n")
    assert found.labels() == ["tool"]
    tool = found.item("tool")
    assert tool is not None and tool.insert_text == 'tool("${1:what it does}")'


def test_after_at_with_nothing_following_offers_every_decorator_once():
    assert completions("@‸").labels() == [*AGENT_DECORATORS, "tool"]
    assert completions('@tool("d")\nfn f() { }\n@‸\nflow main { }\n').labels() == [*AGENT_DECORATORS, "tool"]


def test_decorators_fit_the_other_decorators_of_the_run():
    assert completions("@limit(max_tokens=5)\n@‸").labels() == AGENT_DECORATORS
    assert completions('@tool("a (b)")\n@‸\nfn f() { }\n').labels() == []


def test_renaming_a_decorator_keeps_its_arguments():
    item = completions("@li‸mit(max_tokens=3)\nagent A { }\n").item("limit")
    assert item is not None and item.insert_text is None and not item.is_snippet


@pytest.mark.parametrize(
    "text",
    [
        'flow main() {\n  x = "@‸"\n}\n',
        "// @‸\nflow main() { }\n",
        "type T = str @‸",
        "flow main() {\n  @‸\n}\n",
    ],
)
def test_at_in_a_string_a_comment_a_type_constraint_or_a_body_offers_no_decorator(text: str):
    found = completions(text)
    assert not set(AGENT_DECORATORS) & set(found.labels())
    assert all(i.kind is not CompletionKind.FUNCTION for i in found.items if i.label == "tool")


# ---- std namespaces without functions (S§2)

EMPTY_NAMESPACES = {"defer", "enum", "match", "null_coalesce", "pipe", "string", "struct", "trait"}


def test_std_dot_in_code_leaves_out_the_namespaces_without_functions():
    labels = set(completions("flow main() {\n  print(std.‸)\n}\n").labels())
    assert {"fs", "json", "db", "kv"} <= labels and not labels & EMPTY_NAMESPACES


@pytest.mark.parametrize("text", ["agent A uses std.‸ {\n}\n", "agent A {\n  uses std.‸\n}\n"])
def test_std_dot_in_a_uses_list_still_offers_every_namespace(text: str):
    assert EMPTY_NAMESPACES | {"fs", "db"} <= set(completions(text).labels())


# ---- one item per label: a keyword's snippet stands for the keyword


def _with_label(text: str, label: str) -> list:
    return [i for i in completions(text).items if i.label == label]


def test_a_declaration_keyword_and_its_snippet_are_one_item():
    (agent,) = _with_label("ag‸\n", "agent")
    assert agent.kind is CompletionKind.SNIPPET and agent.is_snippet
    assert agent.insert_text is not None and agent.insert_text.startswith("agent ${1:Name} {")
    assert agent.detail == "agent Name { role, model, prompt } (declaration)"
    assert agent.sort_text == "4agent"  # where the keyword sorted
    (tool,) = _with_label("‸", "tool")
    assert tool.kind is CompletionKind.SNIPPET


def test_a_statement_keyword_and_its_snippet_are_one_item():
    (item,) = _with_label("flow main() {\n  ‸\n}\n", "semantic_if")
    assert item.kind is CompletionKind.SNIPPET and item.detail == 'semantic_if "…" against text { … }'


def test_the_uses_member_of_an_agent_body_is_one_item():
    (uses,) = _with_label('agent A {\n    prompt: "x",\n    ‸\n}\n', "uses")
    assert (
        uses.insert_text == "uses ${1:std.fs}" and uses.detail == "uses std.fs (tools offered to the model)"
    )
    assert "uses" in uses.documentation


def test_keywords_without_a_snippet_of_their_label_stay_keywords():
    found = completions("flow main() {\n  ‸\n}\n")
    (for_keyword,) = [i for i in found.items if i.label == "for"]
    assert for_keyword.kind is CompletionKind.KEYWORD and found.item("for each") is not None
    (struct,) = _with_label("‸", "struct")
    assert struct.kind is CompletionKind.KEYWORD


# ---- model strings after a provider prefix (S§4.1, S§4.2)


def test_after_a_provider_prefix_its_own_models_come_first():
    found = completions('agent A {\n  model: "deepseek/‸"\n}\n')
    labels = found.labels()
    assert labels[:2] == ["deepseek/deepseek-chat", "deepseek/deepseek-v3"]
    assert all(label.startswith("deepseek/") for label in labels) and "deepseek/gpt-4o" in labels
    own = {i.sort_text for i in found.items[:2]}
    assert max(own) < min(i.sort_text for i in found.items[2:])


def test_a_known_provider_with_a_colon_keeps_the_colon():
    labels = completions('agent A { model: "openai:gp‸" }').labels()
    assert labels[0] == "openai:gpt-4" and "openai:claude-3-opus" in labels
    assert not any(label.startswith("openai/") for label in labels)


def test_a_colon_after_an_unknown_provider_is_part_of_the_name():
    labels = completions('agent A { model: "llama3:8‸" }').labels()
    assert {"offline", "openai/gpt-4o", "gpt-4o", "ollama/"} <= set(labels)
