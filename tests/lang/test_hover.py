"""Hover (nexa_lang.hover): declarations, names, built-ins, std functions, property keys, models."""

from pathlib import Path

from nexa_lang.analysis import analyze
from nexa_lang.hover import Hover, hover
from nexa_lang.model import Workspace

CURSOR = "‸"


def hover_at(text: str) -> Hover | None:
    before, after = text.split(CURSOR)
    workspace = Workspace()
    analysis = analyze(workspace, workspace.set_text("/virtual/main.nx", before + after))
    return hover(analysis, len(before.encode("utf-8")))


def markdown_at(text: str) -> str:
    found = hover_at(text)
    assert found is not None
    return found.markdown


AGENT = (
    "// Drafts articles in Chinese.\n"
    "agent Writer uses std.fs implements Draft {\n"
    '    role: "作家"\n'
    '    model: "openai/gpt-4o"\n'
    '    prompt: "写一篇文章"\n'
    "    fn outline(topic) { return topic }\n"
    "}\n"
    'protocol Draft { title: str, body: "string" }\n'
)


def test_agent_name_at_its_declaration_shows_signature_doc_and_summary():
    text = markdown_at(AGENT.replace("agent Writer", "agent Wri‸ter"))
    assert "agent Writer uses std.fs implements Draft" in text
    assert "Drafts articles in Chinese." in text
    assert "`openai/gpt-4o` (context 128,000 tokens)" in text
    assert "**role** 作家" in text and "`std.fs`" in text and "`outline()`" in text


def test_agent_reference_in_a_flow_shows_the_agent():
    text = markdown_at(AGENT + 'flow main() {\n  x = "题目" >> Wr‸iter\n}')
    assert "agent Writer" in text


def test_hover_span_is_the_name():
    source = AGENT + 'flow main() {\n  x = "题目" >> Writer‸\n}'
    found = hover_at(source)
    clean = source.replace(CURSOR, "").encode()
    assert found is not None and clean[found.span.start : found.span.end] == b"Writer"


def test_protocol_in_implements_shows_its_fields():
    text = markdown_at(AGENT.replace("implements Draft", "implements Dr‸aft"))
    assert "protocol Draft" in text and "- `title`: `str`" in text and '- `body`: `"string"`' in text


def test_property_key_shows_its_table_row():
    text = markdown_at(AGENT.replace("    model:", "    mod‸el:"))
    assert "**model** (agent property)" in text and "primary model" in text


def test_model_string_shows_provider_and_window():
    text = markdown_at(AGENT.replace('"openai/gpt-4o"', '"openai/gp‸t-4o"'))
    assert "provider: `openai`" in text and "128,000 tokens" in text


def test_unknown_model_has_unknown_window():
    text = markdown_at('agent A { model: "zhipu/gl‸m-5" }')
    assert "context window: unknown" in text


def test_decorator_shows_the_property_it_sets():
    text = markdown_at('@time‸out(seconds=30)\nagent A { prompt: "p" }')
    assert "**timeout** (@timeout)" in text


def test_flow_call_shows_the_flow_signature_and_doc():
    source = '// Says hello.\nflow greet(name: str) -> str { return name }\nflow main() { gr‸eet("x") }'
    text = markdown_at(source)
    assert "flow greet(name: str) -> str" in text and "Says hello." in text


def test_prelude_function_shows_signature_and_meaning():
    text = markdown_at("flow main() { n = l‸en([1]) }")
    assert "len(x: str | list | map) -> int" in text and "built-in" in text


def test_std_function_shows_signature_and_meaning():
    text = markdown_at('flow main() { t = std.fs.file_re‸ad("a") }')
    assert "std.fs.file_read(path: str, encoding: str = …) -> str" in text and "Reads a whole file" in text


def test_std_uses_item_shows_the_namespace():
    text = markdown_at('agent A uses std.f‸s { prompt: "p" }')
    assert "std.fs" in text and "file_read" in text


def test_agent_run_member():
    text = markdown_at('agent A { prompt: "p" }\nflow main() { A.r‸un("x") }')
    assert "A.run(*inputs: any)" in text


def test_agent_member_function():
    text = markdown_at(AGENT + "flow main() { Writer.outl‸ine(1) }")
    assert "fn outline(topic)" in text


def test_local_variable_shows_its_type():
    text = markdown_at("flow main() {\n  count = 3\n  print(cou‸nt)\n}")
    assert "count: int" in text and "local variable" in text


def test_tool_declaration_shows_parameters():
    source = 'tool ra‸te { description: "Exchange rate", parameters: {"base": "string"} }'
    text = markdown_at(source)
    assert "tool rate" in text and "Exchange rate" in text and '- `base`: `"string"`' in text


def test_tool_function_option_key():
    text = markdown_at('@tool("d", risk_le‸vel: "low")\nfn f(a: str) { return a }')
    assert "**risk_level** (@tool option)" in text


def test_nothing_on_white_space():
    assert hover_at("flow main() {\n  ‸\n}") is None


def test_hover_everywhere_in_corpus_files(corpus_files: list[Path]):
    for path in corpus_files[::8]:
        workspace = Workspace()
        analysis = analyze(workspace, workspace.set_text(str(path), path.read_text(encoding="utf-8")))
        for offset in range(0, len(analysis.file.source), 11):
            hover(analysis, offset)


def test_agent_property_member_the_agent_does_not_set_shows_the_setting_without_a_value():
    text = markdown_at('agent Base { prompt: "p" }\nflow main { print(Base.ro‸le ?? "none") }\n')
    assert "**role** (agent property)" in text and "`Base.role` =" not in text


def test_agent_property_member_of_an_included_agent_shows_the_value_from_its_file(tmp_path: Path):
    workspace = Workspace()
    library = tmp_path / "lib.nxlib"
    workspace.set_text(str(library), '// 中文\nagent Helper { role: "助手", prompt: "help" }\n')
    main = 'include "lib.nxlib"\nflow main { print(Helper.role) }\n'
    analysis = analyze(workspace, workspace.set_text(str(tmp_path / "main.nx"), main))
    found = hover(analysis, main.index("role") + 1)
    assert found is not None and '`Helper.role` = `"助手"`' in found.markdown


def test_capitalised_type_spellings_are_built_in_types():
    text = markdown_at("struct V { dx: In‸t }\n")
    assert "built-in type, the same as `int`" in text


def test_lower_case_type_in_a_parameter_shows_the_built_in_type():
    text = markdown_at("flow f(n: i‸nt) { return n }\n")
    assert "built-in type: integer" in text


def test_object_type_name_shows_its_kind():
    assert "built-in object type" in markdown_at("flow f(a: Age‸nt) { return a }\n")


def test_declared_type_in_a_field_shows_the_declaration():
    text = markdown_at("struct P { x: int }\nstruct L { start: ‸P }\n")
    assert "struct P" in text


def test_struct_field_through_a_value_shows_the_field_and_its_struct():
    text = markdown_at("struct Vec2 { dx: Int }\nflow main { v = Vec2(dx: 1)\n print(v.d‸x) }\n")
    assert "dx: Int" in text and "field of struct Vec2" in text


def test_function_through_an_import_alias_shows_the_std_function():
    text = markdown_at('import std.text as txt\nflow main { print(txt.text_up‸per("a")) }\n')
    assert "std.text.text_upper(text: str) -> str" in text


def test_std_in_an_import_shows_the_standard_library():
    assert "the standard library" in markdown_at("import s‸td.fs\n")


def test_local_at_its_binding_shows_its_type_like_at_its_reads():
    assert (
        markdown_at("flow main {\n    ‸n = 1\n    print(n)\n}\n") == "```nexa\nn: int\n```\n\nlocal variable"
    )


def test_loop_variable_and_global_at_their_bindings_say_what_they_are():
    assert "local variable" in markdown_at("flow main { for ‸item in [1] { print(item) } }\n")
    assert "global variable" in markdown_at('‸greeting = "你好"\nflow main { print(greeting) }\n')


def test_local_bound_to_a_struct_constructor_shows_the_struct_type():
    text = markdown_at("struct Vec2 { dx: Int }\nflow main {\n    v = Vec2(dx: 1)\n    print(‸v)\n}\n")
    assert "v: Vec2" in text


MEMBERS = (
    'enum Shape { Circle(r: float), Dot }\nagent G {\n    prompt: "p"\n    greeting = "Hi " + "x"\n'
    '    let intro = "我是"\n}\n'
)


def test_enum_variant_at_its_declaration_and_in_an_expression_shows_its_fields_and_enum():
    assert "Shape::Circle(r: float)" in markdown_at(MEMBERS.replace("Circle(r", "Cir‸cle(r"))
    text = markdown_at(MEMBERS + "flow main { s = Shape::Ci‸rcle(1.0) }\n")
    assert "Shape::Circle(r: float)" in text and "variant of enum Shape" in text


def test_builtin_option_variant_shows_what_it_holds():
    assert "an option holding nothing" in markdown_at("flow main { x = Option::No‸ne }\n")


def test_agent_let_and_assigned_members_show_their_values():
    assert 'let intro = "我是"' in markdown_at(MEMBERS + "flow main { print(G.int‸ro) }\n")
    assert '**greeting** = `"Hi " + "x"`' in markdown_at(MEMBERS.replace("    greeting =", "    greet‸ing ="))


def test_prelude_function_listed_as_an_agent_tool_shows_its_doc():
    found = hover_at('agent A {\n    prompt: "p"\n    tools = [le‸n]\n}\n')
    assert found is not None and "len(" in found.markdown


def test_local_bound_to_the_reply_of_an_agent_implementing_a_protocol_shows_the_protocol():
    text = 'protocol Digest { headline: str }\nagent S implements Digest { prompt: "p" }\n'
    assert "d: Digest" in markdown_at(text + 'flow main {\n    d = S.run("x")\n    print(‸d)\n}\n')
    assert "d: Digest" in markdown_at(text + 'flow main {\n    d = "x" >> S\n    print(‸d)\n}\n')


def test_near_miss_the_reply_of_an_agent_without_a_protocol_is_not_a_record():
    text = 'protocol Digest { headline: str }\nagent S { prompt: "p" }\n'
    assert "Digest" not in markdown_at(text + 'flow main {\n    d = "x" >> S\n    print(‸d)\n}\n')


def test_triple_slash_doc_comment_shows_without_its_slashes():
    text = markdown_at('/// Reviews a text.\nagent Cri‸tic { prompt: "p" }\n')
    assert "\n\nReviews a text." in text and "/ Reviews" not in text


def test_flow_and_agent_hovers_show_their_contract_clauses():
    text = (
        "flow clamp(n: int) -> int\n    requires n > -100\n    ensures result >= 0\n{\n    return n\n}\n"
        'agent Critic\n    requires "the input is a review request"\n{\n    prompt: "评审"\n}\n'
        'flow main { print(cla‸mp(1), Critic.run("x")) }\n'
    )
    assert "flow clamp(n: int) -> int\n    requires n > -100\n    ensures result >= 0\n```" in markdown_at(
        text
    )
    critic = markdown_at(text.replace("‸", "").replace("Critic.run", "Cri‸tic.run"))
    assert 'agent Critic\n    requires "the input is a review request"\n```' in critic


def test_each_segment_of_a_nested_std_path_shows_its_own_namespace():
    uses = 'agent A uses std.db.sqlite { prompt: "p" }\n'
    assert markdown_at(uses.replace("std.db", "std.d‸b")).startswith("```nexa\nstd.db\n```")
    call = 'flow main { x = std.db.sqli‸te.query("a") }\n'
    assert "SQLite databases" in markdown_at(call)


def test_print_keyword_shows_the_prelude_signature_and_meaning():
    # `print` is a reserved word (L§1.5.1), not a name: both its call and statement forms hover.
    for text in ('flow main {\n    pr‸int("a", 1)\n}\n', 'flow main {\n    print‸ "a"\n}\n'):
        found = hover_at(text)
        assert found is not None
        assert "print(*values: any) -> none" in found.markdown and "stdout" in found.markdown
        assert found.span == (16, 21)


def test_print_arguments_keep_their_own_hover():
    # Near miss: a name inside print(…) shows that name, not print; a blank before it shows nothing.
    text = markdown_at('flow main {\n    print(l‸en("a"))\n}\n')
    assert "len(" in text and "print(" not in text
    assert hover_at('flow main {\n   ‸ print("a")\n}\n') is None
