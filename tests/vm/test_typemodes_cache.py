"""The type mode's cache of each code's typed parameters (typemodes.typed_params).

It was keyed by id(code): a code allocated where a freed one had been (another program loaded in the
same process, as the in-process `nexa` tests do) got the freed code's entry, so its typed parameters
were neither checked nor converted. This is how tests/vm/test_harness_runtime.py::
test_type_mode_warn_converts_numeric_strings_and_reports printed nothing in one full-suite run:
`area(side: float)` got the entry of an untyped code, kept "3" as text and failed on "3" * "3"."""

from __future__ import annotations

from nexa_avm.bytecode import Code, ParamSpec
from nexa_avm.typemodes import typed_params

FLOAT = repr(("named", "float"))


def test_a_new_code_never_sees_the_typed_parameters_of_a_freed_one():
    for _ in range(50):
        freed = Code("old", "flow", None, params=[ParamSpec("q")])
        assert typed_params(freed) == []
        del freed
        code = Code("area", "flow", None, params=[ParamSpec("side", type_text=FLOAT)])
        assert typed_params(code) == [("side", ("named", "float"))]


def test_typed_parameters_of_one_code_are_computed_once():
    code = Code("f", "flow", None, params=[ParamSpec("n", type_text=repr(("named", "int")))])
    assert typed_params(code) is typed_params(code)


def test_the_program_after_an_untyped_one_still_converts_its_typed_argument(nexa):
    untyped = "flow area(q) { return q }\nflow main { print(area(2)) }\n"
    typed = (
        "flow area(side: float) -> float { return side * side }\n"
        'flow main {\n    s = "3" + ""\n    print(area(s))\n}\n'
    )
    for _ in range(10):
        assert nexa(untyped).out == "2\n"
        outcome = nexa(typed)
        assert (outcome.code, outcome.out) == (0, "9.0\n"), outcome.err
