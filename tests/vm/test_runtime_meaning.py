"""Run-time meanings that the spec fixes and the VM once got wrong (docs/runtime-decisions.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexa_avm.secrets_file import SecretsError, parse_secrets

# --- otherwise unwraps Ok/Some (R1) -------------------------------------------------------------


def test_otherwise_unwraps_ok_like_question_mark(nexa) -> None:
    source = 'flow main {\n    r = Ok(2)\n    print(r otherwise "fallback")\n}\n'
    assert nexa(source).out == "2\n"


def test_otherwise_unwraps_some(nexa) -> None:
    source = 'flow main {\n    r = Some("x")\n    print(r otherwise "fallback")\n}\n'
    assert nexa(source).out == "x\n"


def test_otherwise_takes_the_handler_for_err_and_empty_option(nexa) -> None:
    source = 'flow main {\n    print(Err("e") otherwise "h1", Option::None otherwise "h2")\n}\n'
    assert nexa(source).out == "h1 h2\n"


def test_otherwise_keeps_none_and_plain_values(nexa) -> None:
    source = 'flow main {\n    x = none\n    print([x otherwise "h", 3 otherwise "h"])\n}\n'
    assert nexa(source).out == "[null, 3]\n"


def test_run_result_otherwise_gives_the_reply_text(nexa) -> None:
    source = (
        'agent Bot { prompt: "b" }\nflow main {\n    print(Bot.run_result("hi") otherwise "no reply")\n}\n'
    )
    assert nexa(source).out == "[Bot] hi\n"


# --- command-line arguments of flow main (R2, D49) ---------------------------------------------

MAIN_WITH_PARAMETERS = "flow main(a, b) {\n    print(a, b == none)\n}\n"


def test_words_after_the_file_go_to_main_without_a_double_dash(nexa_process) -> None:
    done = nexa_process(MAIN_WITH_PARAMETERS, "one")
    assert (done.code, done.out) == (0, "one true\n")


def test_options_may_follow_the_program_arguments(nexa_process) -> None:
    done = nexa_process(MAIN_WITH_PARAMETERS, "one", "-5", "--no-cache")
    assert (done.code, done.out) == (0, "one false\n")


def test_double_dash_still_passes_everything_after_it(nexa_process) -> None:
    done = nexa_process(MAIN_WITH_PARAMETERS, "--", "--x", "y")
    assert (done.code, done.out) == (0, "--x false\n")


def test_an_unknown_option_after_the_file_is_a_usage_error(nexa_process) -> None:
    done = nexa_process(MAIN_WITH_PARAMETERS, "--bogus")
    assert done.code == 2
    assert "unrecognized arguments: --bogus" in done.err


def test_nexa_test_takes_no_program_arguments(nexa_process) -> None:
    done = nexa_process('test "t" { assert true }\n', "extra", command="test")
    assert done.code == 2


# --- text forms inside structs and variants (R3) -----------------------------------------------


def test_none_inside_a_struct_is_spelled_none(nexa) -> None:
    source = 'struct Pt { x, y }\nflow main {\n    print(Pt(x: "a"), Some(none))\n}\n'
    assert nexa(source).out == 'Pt(x: "a", y: none) Option::Some(none)\n'


def test_none_inside_a_list_stays_json_null(nexa) -> None:
    assert nexa("flow main {\n    print([none, 1])\n}\n").out == "[null, 1]\n"


# --- quoted protocol types (R5) ----------------------------------------------------------------


def test_quoted_optional_type_string_is_str(nexa) -> None:
    source = (
        'protocol P { note: "string?", tag: "str" }\n'
        'agent A implements P { prompt: "p" }\n'
        'flow main {\n    print(A.run("x"))\n}\n'
    )
    assert nexa(source).out == '{"note": "note", "tag": "tag"}\n'


def test_optional_type_expression_is_null_offline(nexa) -> None:
    source = (
        "protocol P { note: str?, tag: str }\n"
        'agent A implements P { prompt: "p" }\n'
        'flow main {\n    print(A.run("x"))\n}\n'
    )
    assert nexa(source).out == '{"note": null, "tag": "tag"}\n'


# --- unharnessed skips verify (R6) -------------------------------------------------------------


@pytest.mark.parametrize("mode", ["warn", "strict"])
def test_verify_inside_unharnessed_is_skipped(nexa, mode: str) -> None:
    source = 'flow main {\n    unharnessed ("demo") {\n        verify 1 == 2\n    }\n    print("after")\n}\n'
    done = nexa(source, f"--harness={mode}")
    assert (done.code, done.out) == (0, "after\n")
    assert "[verify]" not in done.err


def test_verify_outside_unharnessed_still_fails_in_strict_mode(nexa) -> None:
    source = 'flow main {\n    unharnessed ("demo") { x = 1 }\n    verify 1 == 2\n}\n'
    done = nexa(source, "--harness=strict")
    assert done.code == 1
    assert done.err.startswith("Error: VerifyError: verify failed: 1 == 2\n")


def test_expression_of_a_skipped_verify_is_still_evaluated(nexa) -> None:
    source = (
        'flow note() {\n    print("evaluated")\n    return false\n}\n'
        'flow main {\n    unharnessed ("demo") { verify note() }\n}\n'
    )
    assert nexa(source).out == "evaluated\n"


# --- the secrets file (S§1.3, E203) ------------------------------------------------------------


def test_secrets_parser_reads_lines_blocks_and_nested_values() -> None:
    flat, blocks = parse_secrets(
        '// c\nAPI_KEY = "sk"  // note\nURL = "https://h/x"\n'
        'config default { A = "1", M = {"strong": "s", w: [1, 2.5, true, none]} }\n'
        "config other {\n  B = 'b\\n'\n  N = 3\n}\n"
    )
    assert flat == {"API_KEY": "sk", "URL": "https://h/x"}
    assert blocks == {
        "default": {"A": "1", "M": {"strong": "s", "w": [1, 2.5, True, None]}},
        "other": {"B": "b\n", "N": 3},
    }


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ('A = "x\n', "unterminated string", 1),
        ('config default {\n A = "x"\n', "missing '}'", 3),
        ("A = \n", "expected a value, found the end of the file", 2),
    ],
)
def test_secrets_parser_reports_the_problem_and_line(text: str, reason: str, line: int) -> None:
    with pytest.raises(SecretsError) as caught:
        parse_secrets(text)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_url_secret_keeps_its_double_slash(nexa, tmp_path: Path) -> None:
    (tmp_path / "secrets.nxs").write_text('BASE_URL = "https://api.example.com/v1"\n', encoding="utf-8")
    source = 'flow main {\n    print(secret("BASE_URL") == "https://api.example.com/v1")\n}\n'
    assert nexa(source).out == "true\n"


def test_unparsable_secrets_file_is_e203_when_a_secret_is_needed(nexa, tmp_path: Path) -> None:
    (tmp_path / "secrets.nxs").write_text('API_KEY = "sk-test\n', encoding="utf-8")
    source = 'flow main {\n    print("start")\n    k = secret("API_KEY")\n}\n'
    done = nexa(source)
    assert (done.code, done.out) == (1, "start\n")
    assert "cannot be used: unterminated string (line 1)" in done.err
    assert "= code E203 (secrets-error)" in done.err


# --- conversions stay within the spec's notations and 64 bits (R9) -----------------------------


@pytest.mark.parametrize(
    "call",
    ['int("99999999999999999999")', "int(1e20)", "abs(-9223372036854775807 - 1)"],
)
def test_conversion_results_outside_64_bits_are_overflow_errors(nexa, call: str) -> None:
    source = (
        f"flow main {{\n    try {{ print({call}) }} catch (e) {{ print(e.kind, e.code, e.message) }}\n}}\n"
    )
    assert nexa(source).out == "RuntimeError E100 integer overflow (64-bit)\n"


@pytest.mark.parametrize("call", ['int("1_000")', 'float("1_0.5")', 'int("٣")', 'float("")'])
def test_python_only_number_spellings_are_rejected(nexa, call: str) -> None:
    source = f'flow main {{\n    print({call} otherwise "rejected")\n}}\n'
    assert nexa(source).out == "rejected\n"


def test_decimal_spellings_are_accepted(nexa) -> None:
    source = (
        'flow main {\n    print(int(" -7 "), int("+3"), float(".5"), float("5."),'
        ' float(" 2.5e3 "), float("inf"))\n}\n'
    )
    assert nexa(source).out == "-7 3 0.5 5.0 2500.0 inf\n"
