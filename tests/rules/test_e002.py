"""E002 type-mismatch (diagnostics.md §4, §2.5)."""

QUOTE = (
    "protocol Quote { price: float, currency: str }\n"
    'agent Pricer implements Quote { prompt: "Quote a price." }\n'
)


def test_e002_unknown_protocol_field_points_at_the_field_name(found):
    text = (
        QUOTE + 'flow main(count: int) {\n    q = Pricer.run("two tickets")\n    total = q.cost * count\n}\n'
    )
    assert found(text, "E002") == [("E002", 5, 15, "'Quote' has no field 'cost'")]


def test_e002_not_reported_for_a_declared_field(found):
    text = (
        QUOTE + 'flow main(count: int) {\n    q = Pricer.run("two tickets")\n    total = q.price * count\n}\n'
    )
    assert found(text, "E002") == []


def test_e002_operator_on_str_and_int_points_at_the_operator(found):
    text = 'flow main(count: int) {\n    label = "items: " - count\n}\n'
    assert found(text, "E002") == [("E002", 2, 23, "type mismatch: '-' cannot combine str and int")]


def test_e002_plus_with_a_string_concatenates(found):
    assert found('flow main(count: int) {\n    label = "items: " + count\n}\n', "E002") == []


def test_e002_operands_of_uncertain_type_never_mismatch(found):
    assert found('flow main(a, b) {\n    x = a - b\n    y = a < "z"\n}\n', "E002") == []


def test_e002_ordering_needs_two_numbers_or_two_strings(found):
    text = 'flow main {\n    t = "a" < 1\n    u = "a" < "b"\n    v = 1 <= 2.5\n}\n'
    assert found(text, "E002") == [("E002", 2, 13, "type mismatch: '<' cannot combine str and int")]


def test_e002_equality_never_reports(found):
    assert found('flow main {\n    t = "a" == 1\n}\n', "E002") == []


def test_e002_let_with_a_declared_type(found):
    assert found('flow main {\n    let y: int = "s"\n}\n', "E002") == [
        ("E002", 2, 18, "type mismatch: expected int, found str")
    ]
    assert found("flow main {\n    let y: float = 1\n}\n", "E002") == []


def test_e002_return_value_against_the_declared_result(found):
    assert found('flow half(n: int) -> int { return "x" }\n', "E002") == [
        ("E002", 1, 35, "type mismatch: expected int, found str")
    ]
    assert found("flow half(n: int) -> int { return n }\n", "E002") == []


def test_e002_parameter_default(found):
    assert found('flow f(a: int = "x") { return a }\n', "E002") == [
        ("E002", 1, 17, "type mismatch: expected int, found str")
    ]


def test_e002_struct_construction_with_an_unknown_field(found):
    text = "struct Vec2 { dx: Int, dy: Int }\nflow main { v = Vec2(dx: 1, dz: 2) }\n"
    assert found(text, "E002") == [("E002", 2, 29, "'Vec2' has no field 'dz'")]


def test_e002_unknown_enum_variant(found):
    text = "enum Shape { Dot, Circle(radius) }\nflow main { s = Shape::Square\n t = Shape::Dot }\n"
    assert found(text, "E002") == [("E002", 2, 24, "enum 'Shape' has no variant 'Square'")]


def test_e002_protocol_in_a_runnable_position(found):
    assert found(QUOTE + 'flow main { r = "x" >> Quote }\n', "E002") == [
        ("E002", 3, 24, "'Quote' is a protocol, not something that can be run")
    ]


def test_e002_agent_output_type_disagreeing_with_its_protocol(found):
    text = 'protocol Quote { price: float }\nagent Bad implements Quote -> int { prompt: "x" }\n'
    assert found(text, "E002") == [
        ("E002", 2, 31, "agent 'Bad' implements 'Quote' but declares output type int")
    ]
    assert found(text.replace("-> int", "-> dict"), "E002") == []


def test_e002_not_reported_for_a_dict_literal_returned_as_a_protocol(found):
    text = QUOTE + 'flow make() -> Quote { return {price: 1.0, currency: "EUR"} }\n'
    assert found(text, "E002") == []


def test_e002_not_reported_for_a_dict_literal_in_a_protocol_typed_let(found):
    text = QUOTE + 'flow main {\n    let q: Quote = {"price": 2.0, "currency": "USD"}\n    print(q)\n}\n'
    assert found(text, "E002") == []


def test_e002_still_reported_for_a_string_returned_as_a_protocol(found):
    text = QUOTE + 'flow make() -> Quote { return "EUR" }\n'
    assert found(text, "E002") == [("E002", 3, 31, "type mismatch: expected Quote, found str")]
