"""Configuration of diagnostics.md §14: discovery, validation (E201/E202 with locations), typing."""

from pathlib import Path

import pytest

from nexa_lang.codes import Severity
from nexa_lang.config import (
    ConfigError,
    Settings,
    SettingsLoader,
    explicit_config_path,
    find_config_file,
    load_config_file,
    validate_options,
)
from nexa_lang.positions import LineIndex, Unit
from nexa_lang.selection import HarnessMode


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, int, int, str]]:
    """(code, line, column, message) of each E201/E202, 1-based, columns in code points."""
    with pytest.raises(ConfigError) as error:
        load_config_file(path)
    index = LineIndex(path.read_bytes()) if path.exists() else None
    found = []
    for d in error.value.diagnostics:
        line, column = (
            index.position(d.span.start, Unit.CODEPOINT, line_base=1, column_base=1) if index else (1, 1)
        )
        found.append((d.code, line, column, d.message))
    return found


FULL = """
[lint]
select = ["E", "W", "G", "H", "S", "M"]
ignore = ["W002"]
extend-select = []
per-file-ignores = { "examples/**/*.nx" = ["W001", "G002"], "legacy/*.nx" = ["W003"] }
mode = "anything"

[lint.severity]
W005 = "error"
G006 = "info"

[lint.harness]
mode = "strict"

[check]
severity = "warning"

[sandbox]
fs_read = ["./data"]
fs_write = ["./out"]
net = ["api.example.com"]
shell = true
python = false
auto_approve = false

[llm]
provider = "openai"
judge_model = "gpt-4o-mini"
base_url = "http://127.0.0.1:8000/v1"

[agent]
default_model = "gpt-4o-mini"
default_timeout = 12.5
default_retry = 2

[providers.labbox]
base_url = "http://10.0.0.5:8000/v1"
api_key_env = "LABBOX_KEY"

[mcp.servers.files]
command = "mcp-files"
args = ["--root", "."]
env = { LEVEL = "debug" }

[runtime]
consensus_timeout = 30
max_loop = 7

[type]
mode = "strict"

[project]
name = "demo"
version = "1.0"

[scheduler]
max_concurrent = 8
strategy = "priority"

[scheduler.rate_limits]
"gpt-4o*" = 60
"""


def test_every_documented_section_and_key_is_read(tmp_path: Path):
    settings = load_config_file(write(tmp_path / "nexa.toml", FULL))
    assert settings.path == tmp_path / "nexa.toml" and settings.root == tmp_path.resolve()
    assert settings.lint.select == ("E", "W", "G", "H", "S", "M")
    assert settings.lint.ignore == ("W002",)
    assert settings.lint.per_file_ignores[0] == ("examples/**/*.nx", ("W001", "G002"))
    assert dict(settings.lint.severity) == {"W005": Severity.ERROR, "G006": Severity.INFO}
    assert settings.lint.harness_mode is HarnessMode.STRICT
    assert settings.check.severity is Severity.WARNING
    assert settings.sandbox.fs_read == ("./data",) and settings.sandbox.shell is True
    assert settings.llm.provider == "openai"
    assert (settings.agent.default_timeout, settings.agent.default_retry) == (12.5, 2)
    assert dict(settings.providers)["labbox"].api_key_env == "LABBOX_KEY"
    assert dict(settings.mcp_servers)["files"].args == ("--root", ".")
    assert (settings.runtime.consensus_timeout, settings.runtime.max_loop) == (30.0, 7)
    assert settings.type.mode == "strict"
    assert settings.project.name == "demo"
    assert settings.scheduler.rate_limits == (("gpt-4o*", 60.0),)


def test_settings_resolve_into_a_selection(tmp_path: Path):
    selection = load_config_file(write(tmp_path / "nexa.toml", FULL)).selection
    assert not selection.is_enabled("W002", str(tmp_path / "a.nx"))
    assert not selection.is_enabled("W001", str(tmp_path / "examples" / "x" / "a.nx"))
    assert selection.severity_of("W005", Severity.WARNING) is Severity.ERROR


def test_defaults_without_a_file():
    settings = Settings()
    assert settings.lint.select is None and settings.check.severity is Severity.ERROR
    assert settings.runtime.consensus_timeout == 120.0 and settings.scheduler.max_concurrent == 64


def test_unknown_section_is_e202_at_the_section(tmp_path: Path):
    path = write(tmp_path / "nexa.toml", "[lint]\nselect = []\n\n[lnt]\nx = 1\n")
    [(code, line, column, message)] = problems(path)
    assert (code, line, column) == ("E202", 4, 2)
    assert message.startswith("invalid configuration value for 'lnt': unknown section; did you mean 'lint'?")


def test_unknown_key_is_e202_at_the_key(tmp_path: Path):
    path = write(tmp_path / "nexa.toml", "[sandbox]\n  shel = true\n")
    [(code, line, column, message)] = problems(path)
    assert (code, line, column) == ("E202", 2, 3)
    assert "'sandbox.shel': unknown key; did you mean 'shell'?" in message


def test_unknown_code_in_select_uses_the_spec_message(tmp_path: Path):
    path = write(tmp_path / "nexa.toml", '[lint]\nselect = ["E", "W", "X9"]\n')
    assert problems(path) == [("E202", 2, 1, "unknown code 'X9' in 'lint.select'")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            '[llm]\nprovider = "anthropic-native"\n',
            "expected one of 'offline', 'openai', found 'anthropic-native'",
        ),
        (
            "[agent]\ndefault_timeout = -1\n",
            "expected a number of seconds > 0 and <= 86400, found the integer -1",
        ),
        ('[agent]\ndefault_retry = "3"\n', "expected an integer from 1 to 100, found '3'"),
        ("[sandbox]\nshell = 1\n", "expected true or false, found the integer 1"),
        ("[scheduler]\nmax_concurrent = 0\n", "expected an integer >= 1, found the integer 0"),
        (
            '[check]\nseverity = "fatal"\n',
            "expected one of 'error', 'warning', 'info', 'hint', found 'fatal'",
        ),
        ('[lint.harness]\nmode = "loud"\n', "expected one of 'warn', 'strict', 'off', found 'loud'"),
        ('[type]\nmode = "lenient"\n', "expected one of 'warn', 'strict', 'forgiving', found 'lenient'"),
        ('[sandbox]\nnet = "x"\n', "expected an array of strings, found 'x'"),
    ],
)
def test_bad_values_are_e202_with_the_reason(tmp_path: Path, text: str, reason: str):
    [(code, line, _, message)] = problems(write(tmp_path / "nexa.toml", text))
    assert (code, line) == ("E202", 2)
    assert message.endswith(reason)


def test_severity_of_e008_cannot_be_changed(tmp_path: Path):
    path = write(tmp_path / "nexa.toml", '[lint.severity]\nE008 = "warning"\n')
    [(_, line, _, message)] = problems(path)
    assert line == 2 and "cannot be ignored or changed" in message


def test_ignoring_a_runtime_code_is_e202(tmp_path: Path):
    [(_, _, _, message)] = problems(write(tmp_path / "nexa.toml", '[lint]\nignore = ["E104"]\n'))
    assert "'E104' is a runtime or configuration code" in message


def test_per_file_ignores_key_is_located_inside_the_inline_table(tmp_path: Path):
    path = write(
        tmp_path / "nexa.toml", '[lint]\nper-file-ignores = { "a/*.nx" = ["W001"], "b/*.nx" = ["Q1"] }\n'
    )
    [(_, line, column, message)] = problems(path)
    assert (line, column) == (2, 43)
    assert message == "unknown code 'Q1' in 'lint.per-file-ignores.b/*.nx'"


def test_toml_syntax_error_is_e202_at_its_position(tmp_path: Path):
    path = write(tmp_path / "nexa.toml", '[lint]\nselect = ["E"\nignore = 3\n')
    [(code, line, _, message)] = problems(path)
    assert code == "E202" and line == 3
    assert message.startswith("invalid configuration value for 'nexa.toml': TOML syntax error: ")


def test_many_problems_are_all_reported(tmp_path: Path):
    path = write(tmp_path / "nexa.toml", '[lint]\nselect = ["X1"]\n[llm]\nprovider = "x"\n[what]\n')
    assert [line for _, line, _, _ in problems(path)] == [2, 4, 5]


def test_missing_explicit_file_is_e201(tmp_path: Path):
    missing = tmp_path / "ci" / "nexa.toml"
    with pytest.raises(ConfigError) as error:
        SettingsLoader(str(missing)).settings_for(tmp_path / "a.nx")
    [diagnostic] = error.value.diagnostics
    assert diagnostic.code == "E201"
    assert diagnostic.message == f"configuration file not found: '{missing}'"


def test_nearest_nexa_toml_wins(tmp_path: Path):
    write(tmp_path / "nexa.toml", "")
    inner = write(tmp_path / "sub" / "nexa.toml", "")
    assert find_config_file(tmp_path / "sub" / "deeper" / "a.nx") == inner.resolve()


def test_nexa_toml_further_up_beats_a_nearer_pyproject(tmp_path: Path):
    outer = write(tmp_path / "nexa.toml", "")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.nexa.lint]\nselect = ['W']\n")
    assert find_config_file(tmp_path / "sub" / "a.nx") == outer.resolve()


def test_pyproject_tool_nexa_is_used_when_no_nexa_toml(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    pyproject = write(tmp_path / "pyproject.toml", "[tool.nexa.lint]\nselect = ['W']\n")
    found = find_config_file(tmp_path / "src" / "a.nx")
    assert found == pyproject.resolve()
    assert load_config_file(found).lint.select == ("W",)


def test_pyproject_without_tool_nexa_is_skipped(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    assert find_config_file(tmp_path / "a.nx") is None


def test_walk_stops_at_the_directory_holding_git(tmp_path: Path):
    write(tmp_path / "nexa.toml", "")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_config_file(tmp_path / "repo" / "src" / "a.nx") is None


def test_pyproject_errors_name_the_nested_key(tmp_path: Path):
    path = write(tmp_path / "pyproject.toml", "[tool.nexa.lint]\nselct = ['W']\n")
    [(_, line, column, message)] = problems(path)
    assert (line, column) == (2, 1) and "'lint.selct': unknown key" in message


def test_explicit_path_from_option_or_environment():
    assert explicit_config_path("a.toml", {"NEXA_CONFIG": "b.toml"}) == "a.toml"
    assert explicit_config_path(None, {"NEXA_CONFIG": "b.toml"}) == "b.toml"
    assert explicit_config_path(None, {}) is None


def test_loader_reads_each_file_once(tmp_path: Path):
    write(tmp_path / "nexa.toml", "[check]\nseverity = 'info'\n")
    loader = SettingsLoader()
    first = loader.settings_for(tmp_path / "a.nx")
    assert loader.settings_for(tmp_path / "b.nx") is first


def test_command_line_options_apply_after_the_file(tmp_path: Path):
    settings = load_config_file(write(tmp_path / "nexa.toml", "[lint]\nselect = ['W']\n"))
    changed = settings.with_options(
        extend_select=("E001",), threshold=Severity.WARNING, harness_mode=HarnessMode.OFF
    )
    assert {"W001", "E001"} <= changed.selection.enabled
    assert changed.check.severity is Severity.WARNING and changed.lint.harness_mode is HarnessMode.OFF


def test_invalid_command_line_values_are_e202():
    found = validate_options(select=("X9",), ignore=("E008",), threshold="loud", harness="maybe")
    assert [d.code for d in found] == ["E202"] * 4
    assert found[0].message == "unknown code 'X9' in '--select'"
    assert all(d.path == "<command line>" for d in found)


def test_fingerprint_changes_with_the_settings(tmp_path: Path):
    base = Settings()
    assert base.fingerprint() == Settings().fingerprint()
    assert base.fingerprint() != base.with_options(ignore=("W001",)).fingerprint()
