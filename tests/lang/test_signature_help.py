"""Signature help (nexa_lang.signature_help): callee kinds, the active parameter, half-typed calls."""

from nexa_lang.analysis import analyze
from nexa_lang.model import Workspace
from nexa_lang.signature_help import SignatureHelp, signature_help

CURSOR = "‸"


def help_at(text: str) -> SignatureHelp | None:
    before, after = text.split(CURSOR)
    workspace = Workspace()
    analysis = analyze(workspace, workspace.set_text("/virtual/main.nx", before + after))
    return signature_help(analysis, len(before.encode("utf-8")))


def label_and_active(text: str) -> tuple[str, int | None]:
    found = help_at(text)
    assert found is not None
    return found.signatures[0].label, found.active_parameter


FLOW = 'flow greet(name: str, greeting: str = "hi") -> str { return greeting + name }\n'


def test_flow_call_first_parameter():
    assert label_and_active(FLOW + "flow main() { greet(‸) }") == (
        'greet(name: str, greeting: str = "hi") -> str',
        0,
    )


def test_flow_call_second_parameter_after_a_comma():
    assert label_and_active(FLOW + 'flow main() { greet("Ada", ‸) }')[1] == 1


def test_named_argument_selects_its_parameter():
    assert label_and_active(FLOW + "flow main() { greet(greeting=‸) }")[1] == 1


def test_a_comma_inside_a_string_does_not_count():
    assert label_and_active(FLOW + 'flow main() { greet("a, b‸") }')[1] == 0


def test_a_comma_inside_a_nested_call_does_not_count():
    assert label_and_active(FLOW + "flow main() { greet(max(1, 2), ‸) }")[1] == 1


def test_too_many_arguments_have_no_active_parameter():
    assert label_and_active(FLOW + 'flow main() { greet("a", "b", ‸) }')[1] is None


def test_half_typed_call_without_a_closing_parenthesis():
    assert label_and_active(FLOW + 'flow main() {\n  x = greet("你好", ‸')[1] == 1


def test_inner_call_wins():
    assert label_and_active(FLOW + "flow main() { greet(len(‸)) }")[0] == "len(x: str | list | map) -> int"


def test_tool_function():
    text = '@tool("Shout")\nfn shout(phrase: string, times: int = 1): string { return phrase }\n'
    found = help_at(text + "flow main() { shout(‸) }")
    assert found is not None
    assert found.signatures[0].label == "shout(phrase: string, times: int = 1) -> string"
    assert found.signatures[0].documentation == "Shout"


def test_declared_tool_parameters():
    text = 'tool rate { description: "d", parameters: {"base": "string", "quote": "string"} }\n'
    label, active = label_and_active(text + 'flow main() { rate("JPY", ‸) }')
    assert label.startswith("rate(base") and "quote" in label and active == 1


def test_agent_member_function():
    text = 'agent A {\n  prompt: "p"\n  fn lookup(term, limit) { return term }\n}\n'
    assert label_and_active(text + "flow main() { A.lookup(1, ‸) }") == ("A.lookup(term, limit)", 1)


def test_agent_run_is_variadic():
    text = 'agent A { prompt: "p" }\n'
    label, active = label_and_active(text + 'flow main() { A.run("a", "b", ‸) }')
    assert label == "A.run(*inputs: any) -> str | Record[P] | any" and active == 0


def test_agent_clone_new_name():
    text = 'agent A { prompt: "p" }\n'
    assert label_and_active(text + "flow main() { A.clone(‸) }")[0].startswith("A.clone(new_name: str")


def test_std_function():
    label, active = label_and_active('flow main() { std.fs.file_write("a.txt", ‸) }')
    assert label == "std.fs.file_write(path: str, content: str, encoding: str = …) -> map" and active == 1


def test_prelude_function():
    assert label_and_active("flow main() { sleep_ms(‸) }") == ("sleep_ms(ms: int | str) -> none", 0)


def test_no_help_outside_parentheses():
    assert help_at(FLOW + "flow main() { greet(1)‸ }") is None


def test_no_help_for_an_unknown_name():
    assert help_at("flow main() { nothing_known(‸) }") is None


SHAPES = """struct Vec2 { dx: Int, dy: Int }
enum Shape { Circle(r: float, label: str), Square }
impl Scaled for Vec2 { fn scale(k: float, twice: bool) { return self } }
flow go(topic: str, n: int = 1) -> str { return topic }
"""


def test_struct_constructor_shows_its_typed_fields():
    assert label_and_active(SHAPES + "flow main { Vec2(1, ‸) }\n") == ("Vec2(dx: Int, dy: Int)", 1)


def test_argument_after_a_named_one_is_the_next_unfilled_parameter():
    assert label_and_active(SHAPES + "flow main { Vec2(dx: 1, ‸) }\n") == ("Vec2(dx: Int, dy: Int)", 1)
    assert label_and_active(SHAPES + 'flow main { go(topic = "话题", ‸) }\n')[1] == 1


def test_enum_variant_constructor_shows_its_fields():
    found = label_and_active(SHAPES + "flow main { s = Shape::Circle(1.0, ‸) }\n")
    assert found == ("Shape::Circle(r: float, label: str)", 1)


def test_variant_without_fields_has_no_signature():
    assert help_at(SHAPES + "flow main { s = Shape::Square(‸) }\n") is None


def test_impl_method_called_on_a_struct_value():
    text = SHAPES + "flow main { v = Vec2(dx: 1, dy: 2)\n    v.scale(2.0, ‸) }\n"
    assert label_and_active(text) == ("v.scale(k: float, twice: bool)", 1)


def test_commas_in_strings_brackets_and_comments_do_not_start_an_argument():
    text = FLOW + 'flow main() {\n    greet("a, b" + f([1, 2], {"k": 3}) // x, y\n    , ‸) }'
    assert label_and_active(text)[1] == 1


def test_a_call_with_thousands_of_nested_open_lists_answers_at_once():
    # Found by tests/fuzz/mutate.py: splitting the arguments rescanned the text typed so far at
    # every comma, so 5000 pasted `[1, ` took minutes; now one pass.
    import time

    started = time.perf_counter()
    found = label_and_active(FLOW + "flow main() { greet(" + "[1, " * 5000 + "]" * 5000 + ", ‸")
    assert found == ('greet(name: str, greeting: str = "hi") -> str', 1)
    assert time.perf_counter() - started < 3.0
