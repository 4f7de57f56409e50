"""Audit 7 (static checker on realistic whole programs): each test pins a disagreement with
diagnostics.md found in a multi-feature program, next to a near miss that must not change."""

from collections.abc import Callable

Found = Callable[..., list[tuple[str, int, int, str]]]

SHAPES = (
    "enum Shape { Dot, Circle(radius: float), Rect(w, h) }\n"
    "flow area_of(s: Shape) -> float {\n"
    "    return match s {\n"
    "        Shape::Dot => 0.0,\n"
    "        Shape::CIRCLE(r) => 3.14 * r * r,\n"
    "        Shape::Rect(w, h) => w * h,\n"
    "        Option::NONE => 0.0\n"
    "    }\n"
    "}\n"
    "flow main { print(area_of(Shape::Dot)) }\n"
)


def test_e002_for_a_variant_pattern_naming_no_variant_of_a_declared_enum(found: Found) -> None:
    # diagnostics.md E002 (4): `E::V` where enum E has no variant V; the arm can never match
    text = SHAPES.replace("CIRCLE", "Circel").replace("NONE", "None")
    assert found(text, "E002") == [("E002", 5, 16, "enum 'Shape' has no variant 'Circel'")]


def test_e002_not_for_declared_variants_and_prelude_enums(found: Found) -> None:
    text = SHAPES.replace("CIRCLE", "Circle").replace("NONE", "None")
    assert found(text, "E002") == []
