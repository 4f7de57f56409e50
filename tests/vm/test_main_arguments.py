"""Command-line words bound to `flow main`'s parameters (L D49, L§7.8, docs/runtime-decisions.md R2, R17):
by position, a missing word leaves the parameter's default (or none), words beyond the parameters are
ignored, and a word for a typed `int`/`float`/`bool` parameter is read as that type."""

from __future__ import annotations

import pytest

DEFAULTS = 'flow main(a, b: int = 5, c = "dflt") { print(a, b, c, a == none) }\n'


def test_a_missing_argument_with_a_default_gets_the_default(nexa):
    outcome = nexa(DEFAULTS, args=["x"])
    assert (outcome.code, outcome.out, outcome.err) == (0, "x 5 dflt false\n", "")


def test_a_missing_argument_without_a_default_is_none(nexa):
    outcome = nexa(DEFAULTS, args=[])
    assert (outcome.code, outcome.out) == (0, " 5 dflt true\n")  # none prints as nothing


def test_given_arguments_replace_the_defaults(nexa):
    outcome = nexa(DEFAULTS, args=["x", "7", "given"])
    assert outcome.out == "x 7 given false\n"


def test_words_beyond_the_parameters_are_ignored(nexa):
    outcome = nexa(DEFAULTS, args=["x", "7", "given", "extra", "more"])
    assert (outcome.code, outcome.out, outcome.err) == (0, "x 7 given false\n", "")


def test_words_after_the_file_without_a_double_dash_are_arguments_too(nexa):
    outcome = nexa(DEFAULTS, "x", "8")
    assert outcome.out == "x 8 dflt false\n"


def test_a_named_form_is_not_an_argument_but_a_usage_error(nexa):
    # The spec has no named command-line form (R2): `--b=3` is not an option of `nexa run`.
    with pytest.raises(SystemExit) as stopped:
        nexa(DEFAULTS, "x", "--b=3")
    assert stopped.value.code == 2


def test_a_word_after_a_double_dash_is_positional_even_if_it_looks_named(nexa):
    outcome = nexa("flow main(a, b = 1) { print(a, b) }\n", args=["--b=3"])
    assert outcome.out == "--b=3 1\n"


def test_typed_parameters_read_their_words_as_the_declared_type(nexa):
    source = (
        "flow main(n: int, x: float, on: bool, s: str) {\n"
        '    print(n + 1, x * 2, on == true, s + "!", x)\n}\n'
    )
    outcome = nexa(source, args=["41", "1.25", "true", "7"])
    assert (outcome.code, outcome.out, outcome.err) == (0, "42 2.5 true 7! 1.25\n", "")


@pytest.mark.parametrize("mode", ["warn", "strict"])
def test_converted_words_are_no_type_violation_in_any_mode(nexa, mode):
    outcome = nexa(
        "flow main(n: int?, x: float = 0.5) { print(n, x * 2) }\n", "--type-mode", mode, args=["-3", "2e1"]
    )
    assert (outcome.code, outcome.out, "E111" in outcome.err) == (0, "-3 40.0\n", False)


def test_an_untyped_parameter_keeps_the_word_as_text(nexa):
    outcome = nexa("flow main(n, m = 5) { print(n + n, m + m) }\n", args=["2"])
    assert outcome.out == "22 10\n"


def test_a_word_that_is_not_the_declared_type_is_left_to_the_type_mode(nexa):
    source = "flow main(n: int = 5) { print(n) }\n"
    warned = nexa(source, args=["abc"])
    assert (warned.code, warned.out) == (0, "abc\n")
    assert "warning[E111]: type violation: parameter 'n' of flow 'main' expects int, got str" in warned.err
    strict = nexa(source, "--type-mode", "strict", args=["1_000"])
    assert (strict.code, strict.out) == (1, "")
    assert (
        "Error: TypeViolation: type violation: parameter 'n' of flow 'main' expects int, got str"
        in strict.err
    )


def test_a_missing_typed_argument_without_a_default_is_none_even_when_strict(nexa):
    outcome = nexa("flow main(n: int) { print(n == none) }\n", "--type-mode", "strict", args=[])
    assert (outcome.code, outcome.out) == (0, "true\n")


def test_the_flow_option_binds_its_flow_the_same_way(nexa):
    source = 'flow other(n: int, m: int = 2) { print(n * m) }\nflow main { print("main") }\n'
    outcome = nexa(source, "--flow", "other", args=["21"])
    assert outcome.out == "42\n"
