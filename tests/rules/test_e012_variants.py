"""Payload variant construction is checked like a struct constructor (L§3.9, docs/checker-decisions.md):
too many positional arguments are E012, an unknown named field E002 case 4, with the VM's E100 of
R20 (docs/runtime-decisions.md) found before the run."""

SHAPE = "enum Shape { Dot, Circle(r: float), Rect(w, h) }\n"


def in_main(*lines: str) -> str:
    return SHAPE + "flow main {\n" + "".join(f"    {line}\n" for line in lines) + "}\n"


def test_too_many_positional_payload_values_are_e012(found):
    assert found(in_main("a = Shape::Circle(1, 2)"), "E012", "E002") == [
        ("E012", 3, 26, "'Shape::Circle' takes 1 argument(s) but 2 were given")
    ]


def test_the_e012_fix_removes_the_extra_payload_values(fixed):
    assert fixed(in_main("a = Shape::Rect(1, 2, 3, 4)"), "E012") == in_main("a = Shape::Rect(1, 2)")


def test_a_piped_value_counts_as_the_first_payload_value(found):
    assert found(in_main("a = 2.0 |> Shape::Circle(3)"), "E012") == [
        ("E012", 3, 30, "'Shape::Circle' takes 1 argument(s) but 2 were given")
    ]
    assert found(in_main("a = 2.0 |> Shape::Circle()"), "E012", "E002") == []


def test_an_unknown_named_payload_field_is_e002_not_e012(found):
    assert found(in_main("a = Shape::Circle(rad: 1)"), "E012", "E002") == [
        ("E002", 3, 23, "'Shape::Circle' has no field 'rad'")
    ]


def test_correct_positional_and_named_payload_values_are_fine(found):
    text = in_main("a = Shape::Circle(1.0)", "b = Shape::Circle(r: 2.0)", "c = Shape::Rect(1, h: 2)")
    assert found(text, "E012", "E002", "W008", "W010") == []


def test_a_missing_payload_value_is_none_and_not_reported(found):
    assert found(in_main("a = Shape::Rect(1)", "b = Shape::Circle()"), "E012", "E002", "W008") == []


def test_unit_variants_and_prelude_variants_are_not_affected(found):
    text = in_main("a = Shape::Dot", "b = Option::Some(1)", 'c = Result::Ok("x")')
    assert found(text, "E012", "E002") == []


def test_a_variant_pattern_in_match_is_not_a_construction(found):
    text = in_main(
        "a = Shape::Circle(1.0)",
        "match a {",
        "    Shape::Circle(x, y) => print(x),",
        "    Shape::Rect(w: w) => print(w),",
        '    _ => print("other")',
        "}",
    )
    assert found(text, "E012", "E002", "E008") == []


def test_an_unknown_variant_is_only_the_e002_of_a_missing_variant(found):
    assert found(in_main("a = Shape::Square(1, 2)"), "E012", "E002") == [
        ("E002", 3, 16, "enum 'Shape' has no variant 'Square'")
    ]
