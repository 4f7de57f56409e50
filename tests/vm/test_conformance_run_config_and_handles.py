"""`nexa run`'s configuration errors and the text form of db/kv/auth handles (audit 2, findings 5, 7, 8).

Expected output written from the spec: diagnostics.md E202 (message `invalid configuration value for
'{key}': {reason}`, location the key in the file or the option, exit 2, L§7.2) and L§7.1.3 (other
handles print `<KIND #ID>`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HELLO = 'flow main { print("ran") }\n'
KNOWN_SANDBOX = "(known: 'fs_read', 'fs_write', 'net', 'shell', 'python', 'auto_approve')"


def config_path(tmp_path: Path) -> str:
    return str(tmp_path.resolve() / "nexa.toml")


# ------------------------------------------------------------- finding 5: E202 at the key's position


def test_an_unknown_key_is_reported_at_its_line_and_column(nexa, tmp_path):
    (tmp_path / "nexa.toml").write_text("[sandbox]\nshel = true\n", encoding="utf-8")
    outcome = nexa(HELLO)
    expected = (
        f"{config_path(tmp_path)}:2:1: E202 invalid configuration value for 'sandbox.shel': "
        f"unknown key; did you mean 'shell'? {KNOWN_SANDBOX}\n"
    )
    assert (outcome.code, outcome.out, outcome.err) == (2, "", expected)


def test_an_unknown_section_is_reported_at_its_name(nexa, tmp_path):
    (tmp_path / "nexa.toml").write_text('[lint]\nselect = ["W"]\n[unknown]\nx = 1\n', encoding="utf-8")
    outcome = nexa(HELLO)
    assert outcome.code == 2
    assert outcome.err.startswith(
        f"{config_path(tmp_path)}:3:2: E202 invalid configuration value for 'unknown': unknown section"
    )


def test_a_value_outside_its_set_is_reported_at_its_key_indented(nexa, tmp_path):
    (tmp_path / "nexa.toml").write_text('[type]\n  mode = "fast"\n', encoding="utf-8")
    outcome = nexa(HELLO)
    expected = (
        f"{config_path(tmp_path)}:2:3: E202 invalid configuration value for 'type.mode': "
        "expected one of 'warn', 'strict', 'forgiving', found 'fast'\n"
    )
    assert (outcome.code, outcome.err) == (2, expected)


def test_a_toml_syntax_error_is_located_too(nexa, tmp_path):
    (tmp_path / "nexa.toml").write_text("[lint]\nselect = [\n", encoding="utf-8")
    outcome = nexa(HELLO)
    assert outcome.code == 2
    assert re.fullmatch(
        rf"{re.escape(config_path(tmp_path))}:\d+:\d+: E202 invalid configuration value for "
        r"'nexa.toml': TOML syntax error: .*\n",
        outcome.err,
    ), outcome.err


def test_the_run_reports_the_same_line_as_the_checker(nexa, tmp_path, capsys):
    """ARCHITECTURE: the CLI and the VM's compile step report the same diagnostics for the same text."""
    from nexa_lsp.cli import main as check_main

    (tmp_path / "nexa.toml").write_text("[sandbox]\nnet = []\nshel = true\n", encoding="utf-8")
    outcome = nexa(HELLO)
    assert check_main(["--check", "main.nx"]) == 2
    assert outcome.err == capsys.readouterr().err
    assert outcome.err.startswith(f"{config_path(tmp_path)}:3:1: E202 ")


def test_near_miss_a_missing_explicit_configuration_is_e201_without_a_position(nexa):
    outcome = nexa(HELLO, "--config", "missing.toml")
    assert (outcome.code, outcome.err) == (
        2,
        "missing.toml: E201 configuration file not found: 'missing.toml'\n",
    )


def test_near_miss_a_valid_configuration_runs(nexa, tmp_path):
    config = '[sandbox]\nshell = true\n[type]\nmode = "strict"\n'
    (tmp_path / "nexa.toml").write_text(config, encoding="utf-8")
    outcome = nexa(HELLO)
    assert (outcome.code, outcome.out, outcome.err) == (0, "ran\n", "")


# ------------------------------------------------------- finding 7: invalid option values are E202


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--provider", "bogus", "'offline', 'openai'"),
        ("--type-mode", "bogus", "'warn', 'strict', 'forgiving'"),
        ("--harness", "bogus", "'warn', 'strict', 'off'"),
        ("--strategy", "fifo", "'round_robin', 'least_loaded', 'weighted_fair', 'priority', 'adaptive'"),
    ],
)
def test_an_invalid_option_value_is_e202_and_the_program_is_not_run(nexa, option, value, words):
    outcome = nexa(HELLO, option, value)
    reason = f"expected one of {words}, found '{value}'"
    expected = f"nexa: E202 invalid configuration value for '{option}': {reason}\n"
    assert (outcome.code, outcome.out, outcome.err) == (2, "", expected)


def test_every_invalid_option_is_reported(nexa):
    outcome = nexa(HELLO, "--provider", "x", "--type-mode", "y")
    assert outcome.code == 2
    assert outcome.err == (
        "nexa: E202 invalid configuration value for '--provider': expected one of 'offline', 'openai', "
        "found 'x'\n"
        "nexa: E202 invalid configuration value for '--type-mode': expected one of 'warn', 'strict', "
        "'forgiving', found 'y'\n"
    )


def test_a_wrong_type_mode_in_the_environment_is_e202_too(nexa, monkeypatch):
    monkeypatch.setenv("NEXA_TYPE_MODE", "lenient")
    outcome = nexa(HELLO)
    assert (outcome.code, outcome.out) == (2, "")
    assert outcome.err == (
        "nexa: E202 invalid configuration value for 'NEXA_TYPE_MODE': expected one of 'warn', 'strict', "
        "'forgiving', found 'lenient'\n"
    )


@pytest.mark.parametrize(("variable", "options"), [("strict", ()), ("lenient", ("--type-mode", "warn"))])
def test_near_miss_a_valid_environment_type_mode_runs_and_the_option_wins(
    nexa, monkeypatch, variable, options
):
    monkeypatch.setenv("NEXA_TYPE_MODE", variable)
    outcome = nexa(HELLO, *options)
    assert (outcome.code, outcome.out, outcome.err) == (0, "ran\n", "")


def test_nexa_test_checks_its_options_the_same_way(nexa):
    outcome = nexa('test "t" { assert true }\n', "--type-mode", "lenient", command="test")
    assert (outcome.code, outcome.out) == (2, "")
    assert outcome.err == (
        "nexa: E202 invalid configuration value for '--type-mode': expected one of 'warn', 'strict', "
        "'forgiving', found 'lenient'\n"
    )


def test_the_installed_command_prints_e202_without_usage_text(nexa_process):
    outcome = nexa_process(HELLO, "--harness", "loud")
    assert (outcome.code, outcome.out) == (2, "")
    assert outcome.err == (
        "nexa: E202 invalid configuration value for '--harness': expected one of 'warn', 'strict', 'off', "
        "found 'loud'\n"
    )


@pytest.mark.parametrize(
    "options",
    [
        ("--provider", "offline"),
        ("--type-mode", "strict"),
        ("--harness", "off"),
        ("--strategy", "priority"),
        ("--provider", "openai", "--harness", "strict", "--type-mode", "forgiving"),
    ],
)
def test_near_miss_valid_option_values_run(nexa, options):
    outcome = nexa(HELLO, *options)
    assert (outcome.code, outcome.out, outcome.err) == (0, "ran\n", "")


def test_near_miss_an_unknown_option_stays_a_usage_error(nexa, capsys):
    with pytest.raises(SystemExit) as stopped:
        nexa(HELLO, "--type-modes", "strict")
    assert stopped.value.code == 2
    assert "nexa: unrecognized arguments: --type-modes strict" in capsys.readouterr().err


# ------------------------------------------------- finding 8: db/kv/auth handles print <KIND #ID>

HANDLES = """db h = connect("sqlite://" + ":memory:")
kv store = open(":" + "memory:")
auth a = enable_auth('[{"name": "google", "client_id": "x", "client_secret": "y"}]')
flow main { print(h, store, a) }
"""


def test_db_kv_and_auth_handles_print_kind_and_id(nexa_process):
    outcome = nexa_process(HANDLES)
    assert (outcome.code, outcome.out, outcome.err) == (0, "<db #1> <kv #2> <auth #3>\n", "")


def test_a_db_handle_never_prints_its_connection_string(nexa):
    source = """db h = connect("sqlite://hunter2-secret.db")
flow main {
    print(h)
    print(str(h), [h], {"d": h})
    print(db(h))
}
"""
    outcome = nexa(source, "--allow-write", ".")
    assert outcome.code == 0, outcome.err
    assert "hunter2" not in outcome.out
    lines = outcome.out.splitlines()
    number = re.fullmatch(r"<db #(\d+)>", lines[0])
    assert number is not None, outcome.out
    text = f"<db #{number[1]}>"
    assert lines[1] == f'{text} ["{text}"] {{"d": "{text}"}}'
    assert re.fullmatch(r"<memory_backend #\d+>", lines[2]), outcome.out


def test_near_miss_handles_still_work_and_other_handles_keep_their_forms(nexa):
    source = """kv store = open(":memory:")
agent Helper { prompt: "help" }
flow main {
    kv_set(store, "k", "v")
    print(kv_get(store, "k"))
    let [tx, rx] = channel()
    print(tx, rx, Helper)
}
"""
    outcome = nexa(source)
    assert outcome.code == 0, outcome.err
    first, second = outcome.out.splitlines()
    assert first == "v"
    assert re.fullmatch(r"<sender #\d+> <receiver #\d+> <agent Helper>", second), outcome.out
