"""Partial templates (L§1.6.6 `{{> name path}}`, S§1.9 `agent_template_register`/`_list`), with the
choices of docs/runtime-decisions.md R10–R12."""

from __future__ import annotations

import pytest

from nexa_avm.errors import NexaError
from nexa_avm.templates import MAX_PARTIAL_DEPTH, TemplatePartials, render_template
from nexa_lang.checker import check_text

AGENTS = """
agent Writer { role: "writes", prompt: "Write." }
agent Editor { role: "edits", prompt: "Edit." }
"""


def run_main(nexa, body: str) -> str:
    outcome = nexa(f"{AGENTS}\nflow main {{\n{body}\n}}\n")
    assert outcome.code == 0, outcome.err
    return outcome.out


def failure(nexa, body: str) -> str:
    """The error report of a program that stops with an uncaught error (never a traceback)."""
    outcome = nexa(f"{AGENTS}\nflow main {{\n{body}\n}}\n")
    assert outcome.code == 1
    assert "Traceback" not in outcome.err
    return outcome.err


def partials(**by_agent: dict[str, str]) -> TemplatePartials:
    registry = TemplatePartials()
    for agent, texts in by_agent.items():
        for name, text in texts.items():
            registry.register(agent, name, text)
    return registry


def render(text: str, data: dict, registry: TemplatePartials, agent: str | None = None) -> str:
    return render_template(text, data.get, registry.source(agent))


# --- register and list (R10) ---------------------------------------------------------------------


def test_register_returns_the_entry_that_the_list_shows(nexa):
    body = """
    print(agent_template_register(Writer, "row", "<{{ name }}>"))
    print(agent_template_list())
    """
    assert run_main(nexa, body) == (
        '{"agent": "Writer", "name": "row"}\n[{"agent": "Writer", "name": "row"}]\n'
    )


def test_list_of_one_agent_holds_only_its_templates_in_registration_order(nexa):
    body = """
    agent_template_register(Writer, "b", "1")
    agent_template_register(Editor, "c", "2")
    agent_template_register(Writer, "a", "3")
    print(agent_template_list(Writer))
    print(agent_template_list(Editor))
    print(len(agent_template_list()), len(agent_template_list(none)))
    """
    assert run_main(nexa, body) == (
        '[{"agent": "Writer", "name": "b"}, {"agent": "Writer", "name": "a"}]\n'
        '[{"agent": "Editor", "name": "c"}]\n'
        "3 3\n"
    )


def test_registering_a_name_again_replaces_the_text_and_keeps_its_place(nexa):
    body = """
    agent_template_register(Writer, "a", "old")
    agent_template_register(Writer, "b", "b")
    agent_template_register(Writer, "a", "new {{ this }}")
    print(agent_template_list(Writer))
    print(agent_template_prompt(Writer, "{{> a x}}", {x: 1}))
    """
    assert run_main(nexa, body) == (
        '[{"agent": "Writer", "name": "a"}, {"agent": "Writer", "name": "b"}]\nnew 1\n'
    )


def test_an_agent_can_be_named_by_text_but_only_a_declared_one(nexa):
    body = """
    print(agent_template_register("Editor", "x", "y"))
    try { agent_template_register("Nobody", "x", "y") } catch (e) { print(e.code, e.message) }
    try { agent_template_list(3) } catch (e) { print(e.code) }
    """
    assert run_main(nexa, body) == (
        '{"agent": "Editor", "name": "x"}\n'
        "E302 invalid arguments for 'std.template.agent_template_register': "
        "'agent' must be an agent or the name of one of the program's agents, not str 'Nobody'\n"
        "E302\n"
    )


def test_a_name_no_partial_tag_can_spell_is_refused(nexa):
    body = """
    for n in ["", "two words", "a|b", "x}"] {
        try { agent_template_register(Writer, n, "t") } catch (e) { print(e.code) }
    }
    print(len(agent_template_list()))
    """
    assert run_main(nexa, body) == "E302\nE302\nE302\nE302\n0\n"


# --- rendering a partial (L§1.6.6, R12) ----------------------------------------------------------


def test_partial_is_rendered_with_the_value_of_its_path():
    registry = partials(Writer={"card": "{{ name }} ({{ tags | join(/) }})"})
    data = {"user": {"name": "Ada", "tags": ["x", "y"]}, "name": "outer"}
    assert render("[{{> card user}}]", data, registry) == "[Ada (x/y)]"


def test_partial_sees_a_scalar_value_as_this_and_not_the_outer_names():
    registry = partials(Writer={"tag": "#{{ this }}{{ other }}"})
    assert render("{{> tag word}}", {"word": "nexa", "other": "!"}, registry) == "#nexa"


def test_partial_without_a_path_sees_the_including_templates_names():
    registry = partials(Writer={"hello": "hi {{ who }}"})
    assert render("{{> hello}}", {"who": "Lin"}, registry) == "hi Lin"


def test_partial_in_a_loop_gets_each_item_and_a_missing_value_renders_empty():
    registry = partials(Writer={"row": "<{{ n }}>"})
    text = "{{#for it in items}}{{> row it}}{{/for}}|{{> row nothing}}"
    assert render(text, {"items": [{"n": 1}, {"n": 2}]}, registry) == "<1><2>|<>"


def test_partial_output_is_escaped_by_its_own_tags_and_not_again():
    registry = partials(Writer={"show": "{{ v }}|{{{ v }}}|<br>"})
    data = {"x": {"v": "<a&b>"}}
    expected = "&lt;a&amp;b&gt;|<a&b>|<br>"
    assert render("{{> show x}}", data, registry) == expected
    assert render("{{{> show x}}}", data, registry) == expected


def test_escaped_braces_inside_a_partial_stay_literal():
    registry = partials(Writer={"lit": "\\{{{ v }}\\}"})
    assert render("{{> lit x}}", {"x": {"v": 1}}, registry) == "{1}"


def test_partial_may_include_itself_while_the_data_ends():
    node = "{{ name }}{{#if kids}}({{#for k in kids}}{{> node k}}{{/for}}){{/if}}"
    registry = partials(Writer={"node": node})
    tree = {"name": "a", "kids": [{"name": "b", "kids": [{"name": "c"}]}, {"name": "d"}]}
    assert render("{{> node tree}}", {"tree": tree}, registry) == "a(b(c)d)"


def test_unbounded_self_inclusion_stops_at_the_nesting_limit():
    registry = partials(Writer={"loop": "x{{> loop}}"})
    with pytest.raises(NexaError) as raised:
        render("{{> loop}}", {}, registry)
    assert raised.value.code == "E100"
    assert f"nested more than {MAX_PARTIAL_DEPTH} deep (loop > loop" in raised.value.message


def test_mutual_inclusion_stops_at_the_nesting_limit_too():
    registry = partials(Writer={"a": "{{> b}}", "b": "{{> a}}"})
    with pytest.raises(NexaError, match=r"nested more than 32 deep \(a > b > a > b > … > a\)"):
        render("{{> a}}", {}, registry)


@pytest.mark.parametrize("tag", ["{{> row x | upper}}", "{{> row x y}}", "{{>}}"])
def test_a_malformed_partial_tag_is_an_error(tag):
    with pytest.raises(NexaError, match="malformed partial tag"):
        render(tag, {}, partials(Writer={"row": "r"}))


# --- which partials a render sees (R11) ----------------------------------------------------------


def test_unknown_partial_is_a_located_runtime_error(nexa):
    err = failure(nexa, '    print("ok")\n    print(render("a {{> nope x}} b", {}))')
    assert "RuntimeError: unknown partial template 'nope' (register it with agent_template_register)" in err
    assert "main.nx:7:11" in err
    assert "code E100 (runtime-error)" in err


def test_self_inclusion_in_a_program_is_a_located_runtime_error(nexa):
    body = (
        "    agent_template_register(Writer, 'me', '{{> me this}}')\n    x = template\"\"\"{{> me 'a'}}\"\"\""
    )
    err = failure(nexa, body)
    assert "partial templates nested more than 32 deep (me > me > me > me > … > me)" in err
    assert "main.nx:7:9" in err


def test_render_compile_template_and_template_strings_find_a_partial_of_one_agent(nexa):
    body = """
    agent_template_register(Writer, "row", "<{{ n }}>")
    item = {n: 1}
    print(render("{{> row item}}", {item: item}))
    print(render(compile_template("{{> row item}}"), {item: {n: 2}}))
    print(std.template.render("{{> row item}}", {item: {n: 3}}))
    print(template\"\"\"{{> row item}}\"\"\")
    """
    assert run_main(nexa, body) == "<1>\n<2>\n<3>\n<1>\n"


def test_a_name_registered_for_several_agents_is_ambiguous_outside_an_agent(nexa):
    body = """
    agent_template_register(Writer, "row", "w")
    agent_template_register(Editor, "row", "e")
    try { render("{{> row}}") } catch (e) { print(e.message) }
    """
    assert run_main(nexa, body) == (
        "partial template 'row' is registered for several agents (Writer, Editor); "
        "render it for one of them with agent_template_prompt\n"
    )


def test_a_render_for_an_agent_sees_only_that_agents_partials(nexa):
    body = """
    agent_template_register(Writer, "row", "w{{ this }}")
    agent_template_register(Editor, "row", "e{{ this }}")
    print(agent_template_prompt(Writer, "{{> row x}} {{ agent_name }}", {x: 1}))
    print(agent_template_slot_fill(Editor, "{{> row x}}", {a: {x: 2}}))
    agent_template_register(Editor, "only", "o")
    try { agent_template_prompt(Writer, "{{> only}}") } catch (e) { print(e.message) }
    """
    assert run_main(nexa, body) == (
        "w1 Writer\ne2\nagent 'Writer' has no partial template 'only' (it is registered for Editor)\n"
    )


def test_a_template_string_inside_an_agent_renders_for_that_agent(nexa):
    source = """
agent Writer {
    prompt: "Write."
    let card = template\"\"\"[{{> row agent_name}}]\"\"\"
    fn line(v) { return template\"\"\"{{> row v}}\"\"\" }
}
agent Editor { prompt: "Edit." }

flow main {
    agent_template_register(Writer, "row", "w:{{ this }}")
    agent_template_register(Editor, "row", "e:{{ this }}")
    print(Writer.card, Writer.line(5))
}
"""
    outcome = nexa(source)
    assert (outcome.code, outcome.out) == (0, "[w:Writer] w:5\n")


def test_registrations_are_resolved_when_rendering_not_when_registering(nexa):
    body = """
    agent_template_register(Writer, "outer", "({{> inner this}})")
    agent_template_register(Writer, "inner", "{{ this }}")
    print(render("{{> outer v}}", {v: "x"}))
    """
    assert run_main(nexa, body) == "(x)\n"


def test_the_checker_accepts_the_spec_signatures():
    source = f"""{AGENTS}
flow main {{
    r = agent_template_register(Writer, "row", "<{{{{ n }}}}>")
    all = agent_template_list()
    mine = agent_template_list(Writer)
    named = agent_template_list(agent = Editor)
    print(r, all, mine, named, std.template.agent_template_list())
    print(agent_template_prompt(Writer, "{{{{> row x}}}}", {{x: {{n: 1}}}}))
    print(template\"\"\"{{{{> row r}}}}\"\"\")
}}
"""
    assert [(d.code, d.message) for d in check_text(source)] == []


def test_the_checker_counts_the_arguments_of_register():
    source = f'{AGENTS}\nflow main {{\n    agent_template_register(Writer, "row")\n}}\n'
    assert [d.code for d in check_text(source) if d.code != "W001"] == ["E302"]  # W001: Editor unused
