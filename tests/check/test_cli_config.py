"""`nexa-lsp --check`: exit codes (§14.3), configuration and selectors (§14.1–14.2), suppressions (§13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ERROR = 'agent A { prompt: "p", model: " gpt-4o" }\n'  # E005 (error)
WARNING = "agent W {}\n"  # W004 (warning) only: a library, so no W001
CLEAN = 'agent C { prompt: "p" }\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    (tmp_path / "error.nx").write_text(ERROR, encoding="utf-8")
    (tmp_path / "warning.nx").write_text(WARNING, encoding="utf-8")
    (tmp_path / "clean.nx").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def codes(nexa_lsp, *args: str, cwd: Path | None = None) -> list[str]:
    run = nexa_lsp("--check", *args, "--output-format", "json", cwd=cwd)
    assert run.returncode in (0, 1), run.stderr
    return [record["code"] for record in json.loads(run.stdout)]


# --- exit codes ---------------------------------------------------------------------------------


def test_exit_0_when_nothing_reaches_the_threshold(nexa_lsp, project: Path):
    assert nexa_lsp("--check", "clean.nx", "warning.nx").returncode == 0


def test_exit_1_when_an_error_is_found(nexa_lsp, project: Path):
    assert nexa_lsp("--check", "error.nx", "clean.nx").returncode == 1


def test_exit_zero_turns_1_into_0(nexa_lsp, project: Path):
    run = nexa_lsp("--check", "error.nx", "--exit-zero")
    assert run.returncode == 0 and "E005" in run.stdout


def test_severity_threshold_counts_warnings(nexa_lsp, project: Path):
    assert nexa_lsp("--check", "warning.nx", "--severity", "warning").returncode == 1
    assert nexa_lsp("--check", "warning.nx", "--severity", "error").returncode == 0


def test_threshold_from_the_configuration(nexa_lsp, project: Path):
    (project / "nexa.toml").write_text('[check]\nseverity = "warning"\n', encoding="utf-8")
    assert nexa_lsp("--check", "warning.nx").returncode == 1


def test_exit_2_for_usage_errors(nexa_lsp, project: Path):
    assert nexa_lsp("--check", "clean.nx", "--no-such-option").returncode == 2
    assert nexa_lsp("--check", "clean.nx", "--output-format", "xml").returncode == 2
    assert nexa_lsp("clean.nx").returncode == 2


def test_without_check_the_server_serves_stdio_until_end_of_input(nexa_lsp, project: Path):
    run = nexa_lsp(input=b"")
    assert run.returncode == 0
    assert run.stdout == ""


def test_dag_prints_the_flow_graph(nexa_lsp, project: Path):
    run = nexa_lsp("--dag", "clean.nx")
    assert run.returncode == 0, run.stderr
    assert '"flows"' in run.stdout and '"nodes"' in run.stdout


# --- selectors on the command line -------------------------------------------------------------


def test_select_replaces_the_default(nexa_lsp, project: Path):
    assert codes(nexa_lsp, "error.nx", "warning.nx", "--select", "W") == ["W004"]


def test_ignore_by_code_or_rule_name(nexa_lsp, project: Path):
    assert codes(nexa_lsp, "error.nx", "warning.nx", "--ignore", "invalid-model-identifier") == ["W004"]
    assert codes(nexa_lsp, "error.nx", "warning.nx", "--ignore", "W004,E005") == []


def test_extend_select_adds_after_a_select(nexa_lsp, project: Path):
    assert codes(nexa_lsp, "error.nx", "warning.nx", "--select", "W", "--extend-select", "E005") == [
        "E005",
        "W004",
    ]


def test_syntax_errors_cannot_be_deselected(nexa_lsp, project: Path):
    (project / "broken.nx").write_text("flow main { x = = 1 }\n", encoding="utf-8")
    assert codes(nexa_lsp, "broken.nx", "--select", "W") == ["E008"]


def test_invalid_selector_on_the_command_line_is_e202(nexa_lsp, project: Path):
    run = nexa_lsp("--check", "clean.nx", "--select", "X9")
    assert run.returncode == 2
    assert run.stderr == "<command line>: E202 unknown code 'X9' in '--select'\n"


def test_ignoring_e008_on_the_command_line_is_e202(nexa_lsp, project: Path):
    run = nexa_lsp("--check", "clean.nx", "--ignore", "E008")
    assert run.returncode == 2 and "cannot be ignored" in run.stderr


def test_invalid_severity_and_harness_values_are_e202(nexa_lsp, project: Path):
    run = nexa_lsp("--check", "clean.nx", "--severity", "loud", "--harness", "maybe")
    assert run.returncode == 2
    assert run.stderr.count("E202") == 2 and "'--severity'" in run.stderr and "'--harness'" in run.stderr


# --- configuration files -----------------------------------------------------------------------


def test_nexa_toml_is_found_walking_up(nexa_lsp, project: Path):
    (project / "nexa.toml").write_text('[lint]\nignore = ["E005"]\n', encoding="utf-8")
    (project / "src").mkdir()
    (project / "src" / "error.nx").write_text(ERROR, encoding="utf-8")
    assert codes(nexa_lsp, "src") == []


def test_pyproject_tool_nexa_is_read(nexa_lsp, project: Path):
    (project / "pyproject.toml").write_text('[tool.nexa.lint]\nselect = ["W"]\n', encoding="utf-8")
    assert codes(nexa_lsp, "error.nx", "warning.nx") == ["W004"]


def test_command_line_overrides_the_file(nexa_lsp, project: Path):
    (project / "nexa.toml").write_text('[lint]\nselect = ["W"]\n', encoding="utf-8")
    assert codes(nexa_lsp, "error.nx", "warning.nx", "--select", "E") == ["E005"]


def test_per_file_ignores_are_relative_to_the_configuration(nexa_lsp, project: Path):
    (project / "nexa.toml").write_text(
        '[lint]\nper-file-ignores = { "legacy/*.nx" = ["E005"] }\n', encoding="utf-8"
    )
    (project / "legacy").mkdir()
    (project / "legacy" / "old.nx").write_text(ERROR, encoding="utf-8")
    assert codes(nexa_lsp, "legacy", "error.nx") == ["E005"]


def test_severity_table_changes_a_code(nexa_lsp, project: Path):
    (project / "nexa.toml").write_text('[lint.severity]\nW004 = "error"\n', encoding="utf-8")
    run = nexa_lsp("--check", "warning.nx", "--output-format", "json")
    assert run.returncode == 1 and json.loads(run.stdout)[0]["severity"] == "error"


def test_invalid_configuration_is_e202_with_its_location(nexa_lsp, project: Path):
    (project / "nexa.toml").write_text(
        '[lint]\nselect = ["E", "W", "X9"]\n[llm]\nprovider = "x"\n', encoding="utf-8"
    )
    run = nexa_lsp("--check", "clean.nx", "--output-format", "json")
    assert run.returncode == 2
    assert run.stdout == ""
    config = (project / "nexa.toml").resolve()
    assert run.stderr.splitlines() == [
        f"{config}:2:1: E202 unknown code 'X9' in 'lint.select'",
        f"{config}:4:1: E202 invalid configuration value for 'llm.provider': "
        "expected one of 'offline', 'openai', found 'x'",
    ]


def test_missing_explicit_configuration_is_e201(nexa_lsp, project: Path):
    run = nexa_lsp("--check", "clean.nx", "--config", "ci/nexa.toml")
    assert run.returncode == 2
    assert run.stderr == "ci/nexa.toml: E201 configuration file not found: 'ci/nexa.toml'\n"


def test_nexa_config_environment_variable_names_the_file(nexa_lsp, project: Path):
    (project / "lint.toml").write_text('[lint]\nignore = ["E005"]\n', encoding="utf-8")
    assert nexa_lsp("--check", "error.nx", env={"NEXA_CONFIG": "lint.toml"}).returncode == 0
    assert nexa_lsp("--check", "error.nx", env={"NEXA_CONFIG": "missing.toml"}).returncode == 2


def test_config_option_beats_the_environment(nexa_lsp, project: Path):
    (project / "lint.toml").write_text('[lint]\nignore = ["E005"]\n', encoding="utf-8")
    assert (
        nexa_lsp("--check", "error.nx", "--config", "lint.toml", env={"NEXA_CONFIG": "nope.toml"}).returncode
        == 0
    )


# --- suppressions ----------------------------------------------------------------------------------


def test_suppression_comment_hides_the_code(nexa_lsp, project: Path):
    (project / "s.nx").write_text(ERROR.rstrip("\n") + "  // nexa: ignore[E005]\n", encoding="utf-8")
    run = nexa_lsp("--check", "s.nx")
    assert (run.returncode, run.stdout) == (0, "")


def test_unused_and_unknown_suppressions_are_m001(nexa_lsp, project: Path):
    text = CLEAN.rstrip("\n") + "  // nexa: ignore[E005, nonsense]\n"
    (project / "s.nx").write_text(text, encoding="utf-8")
    run = nexa_lsp("--check", "s.nx", "--output-format", "concise")
    assert run.returncode == 0  # M001 is information
    assert run.stdout.splitlines() == [
        "s.nx:1:42: M001 suppression of E005 matches no diagnostic",
        "s.nx:1:48: M001 unknown code 'nonsense' in suppression",
    ]


def test_naming_e008_in_a_suppression_is_m001_and_does_not_hide_it(nexa_lsp, project: Path):
    (project / "s.nx").write_text("flow main { x = = 1 }  // nexa: ignore[E008]\n", encoding="utf-8")
    assert codes(nexa_lsp, "s.nx") == ["E008", "M001"]


def test_m001_is_not_reported_for_codes_the_configuration_disables(nexa_lsp, project: Path):
    (project / "s.nx").write_text(CLEAN.rstrip("\n") + "  // nexa: ignore[E005]\n", encoding="utf-8")
    assert codes(nexa_lsp, "s.nx", "--ignore", "E005") == []
