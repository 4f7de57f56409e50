"""Neovim end to end: real headless `nvim` with editors/nvim (built-in tree-sitter and LSP client)
against the real `nexa-lsp`.

One Neovim session (tests/e2e/nvim/drive.lua) opens a copy of a corpus program with an undeclared
agent inserted on a line holding Chinese text, and records as JSON: the diagnostics Neovim received,
where vim.lsp.buf.definition() put the cursor, the completion labels, and the tree-sitter state. A second
session (check_setup.lua) parses every query in Neovim and runs the nvim-dap and workspace-root set-up.
Each test below checks one of those facts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

NVIM = shutil.which("nvim")
NEXA_LSP = Path(sys.executable).with_name("nexa-lsp")
PROGRAM = Path("v2.0") / "03_try_agent.nx"
ERROR_LINE = '        tag = "纠错"; other = Missing.run(tag);'
COMPLETION_LINE = "    x = Resil"

pytestmark = pytest.mark.skipif(
    NVIM is None, reason="nvim is not installed (scripts/install-editor-deps installs Debian's neovim)"
)


def row_of(lines: list[str], prefix: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))


class Session:
    """The program as opened, the plan given to drive.lua and the results it wrote."""

    def __init__(self, lines: list[str], plan: dict[str, Any], results: dict[str, Any]) -> None:
        self.lines = lines
        self.plan = plan
        self.results = results

    def step_error(self, step: str) -> str | None:
        errors = self.results.get("errors") or {}
        return errors.get(step) if isinstance(errors, dict) else None


def run_nvim(repo_root: Path, work: Path, driver: str, env: dict[str, str], *files: Path) -> dict[str, Any]:
    """Runs headless Neovim with editors/nvim/minimal-init.lua and `driver`; returns what it wrote."""
    result_file = work / f"{Path(driver).stem}.result.json"
    env = {
        **os.environ,
        **env,
        "NEXA_LSP": str(NEXA_LSP),
        "NEXA_E2E_RESULT": str(result_file),
        "XDG_STATE_HOME": str(work / "state"),  # Neovim's lsp.log goes here, not into $HOME
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    command = [
        NVIM,
        "--headless",
        "--clean",
        "-u",
        str(repo_root / "editors/nvim/minimal-init.lua"),
        "-c",
        f"luafile {Path(__file__).with_name(driver)}",
        *map(str, files),
    ]
    proc = subprocess.run(
        command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240
    )
    if not result_file.exists():
        pytest.fail(f"nvim wrote no results (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return json.loads(result_file.read_text("utf-8"))


@pytest.fixture(scope="module")
def parser(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """nexa.so built by editors/nvim/build-parser.sh from grammar-ts/src."""
    built = tmp_path_factory.mktemp("parser") / "nexa.so"
    proc = subprocess.run(
        ["bash", str(repo_root / "editors/nvim/build-parser.sh"), str(built)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"editors/nvim/build-parser.sh failed (exit {proc.returncode}):\n{proc.stderr}")
    return built


@pytest.fixture(scope="module")
def session(
    repo_root: Path, corpus_dir: Path, parser: Path, tmp_path_factory: pytest.TempPathFactory
) -> Session:
    work = tmp_path_factory.mktemp("nvim")
    lines = (corpus_dir / PROGRAM).read_text("utf-8").splitlines()
    after = row_of(lines, "        print result;")
    lines.insert(after + 1, ERROR_LINE)
    program = work / "try_agent.nx"
    program.write_text("\n".join(lines) + "\n", "utf-8")

    # rows after the error line move up by one once drive.lua deletes it
    completed = row_of(lines, '    print "Error correction completed.";')
    call = row_of(lines, "        result = ResilientAgent")
    plan = {
        "timeout_ms": 30000,
        "keyword_at": [row_of(lines, "agent ResilientAgent"), 0],
        "error_code": "E001",
        "error_line": after + 1,
        "definition_at": [call, lines[call].index("ResilientAgent") + 3],
        "complete": {"row": completed, "text": COMPLETION_LINE},
    }
    second = work / "library.nxlib"
    second.write_text('agent Helper {\n    prompt: "帮助"\n}\n', "utf-8")
    plan["second_file"] = str(second)
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan), "utf-8")
    env = {"NEXA_PARSER": str(parser), "NEXA_E2E_PLAN": str(plan_file)}
    return Session(lines, plan, run_nvim(repo_root, work, "drive.lua", env, program))


@pytest.fixture(scope="module")
def setup_checks(repo_root: Path, parser: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("nvim-setup")
    (work / "project/src/deep").mkdir(parents=True)
    (work / "project/nexa.toml").write_text("", "utf-8")
    (work / "loose").mkdir()
    env = {"NEXA_PARSER": str(parser), "NEXA_E2E_WORKSPACE": str(work)}
    return run_nvim(repo_root, work, "check_setup.lua", env)


def test_nexa_files_get_the_nexa_filetype(session: Session) -> None:
    assert session.results["filetype"] == "nexa"


def test_ftplugin_sets_comments_and_the_lsp_sets_omnifunc(session: Session) -> None:
    assert session.results["commentstring"] == "// %s"
    assert session.results["omnifunc"] == "v:lua.vim.lsp.omnifunc"


def test_a_second_file_of_the_folder_shares_the_server(session: Session) -> None:
    assert session.step_error("second_buffer") is None
    assert session.results["second_filetype"] == "nexa"
    assert session.results["second_attached"] is True
    assert session.results["same_client"] is True
    assert session.results["client_count"] == 1


def test_neovim_loads_the_abi_14_parser(session: Session) -> None:
    assert session.step_error("treesitter") is None
    assert session.results["min_abi"] <= 14 <= session.results["abi"]
    assert session.results["tree_has_error"] is False


def test_tree_sitter_highlighter_is_attached(session: Session) -> None:
    assert session.results["highlighter_active"] is True


def test_agent_keyword_is_captured_as_keyword(session: Session) -> None:
    assert session.results["captures_at_keyword"] == ["keyword"]


def test_nexa_lsp_attaches_to_the_buffer(session: Session) -> None:
    assert session.results["attached"] is True
    assert session.results["offset_encoding"] in ("utf-8", "utf-16", "utf-32")


def test_undeclared_agent_is_reported_at_its_byte_columns(session: Session) -> None:
    assert session.results["diagnostics_arrived"] is True
    errors = [d for d in session.results["diagnostics"] if d["code"] == "E001"]
    line = ERROR_LINE.encode("utf-8")
    start = line.index(b"Missing")  # Neovim keeps byte columns; the line has two 3-byte characters
    assert [(d["lnum"], d["col"], d["end_col"]) for d in errors] == [
        (session.plan["error_line"], start, start + len("Missing"))
    ]
    assert errors[0]["message"] == "undeclared name 'Missing'"
    assert errors[0]["severity"] == 1  # vim.diagnostic.severity.ERROR


def test_removing_the_error_line_clears_its_diagnostic(session: Session) -> None:
    assert session.step_error("fix_error") is None
    assert session.results["error_cleared"] is True
    assert "E001" not in {d["code"] for d in session.results["diagnostics_after_fix"]}


def test_definition_moves_the_cursor_to_the_agent_declaration(session: Session) -> None:
    assert session.step_error("definition") is None
    declaration = row_of(session.lines, "agent ResilientAgent")
    assert session.results["definition_jumped"] is True
    assert session.results["definition_buffer_is_same"] is True
    assert session.results["definition_cursor"] == [declaration, len("agent ")]


def test_flows_have_run_debug_and_show_dag_code_lenses(session: Session) -> None:
    assert session.step_error("code_lenses") is None
    assert sorted(session.results["code_lens_commands"]) == ["nexa.debugFlow", "nexa.runFlow", "nexa.showDag"]


def test_show_dag_lists_the_flows_agent_and_jumps_to_its_call(session: Session) -> None:
    dag = session.results["dag_lines"]
    assert dag[0].startswith("flow main")
    assert any(line.split()[1:] == ["agent", "ResilientAgent"] for line in dag)
    call = row_of(session.lines, "        result = ResilientAgent")  # above the deleted error line
    assert session.results["dag_jump"] == {"buf": True, "row": call, "col": len("        result = ")}


def test_run_lens_runs_the_flow_in_a_terminal(session: Session) -> None:
    assert session.results["run_finished"] is True
    output = "\n".join(session.results["run_output"])
    assert "[Process exited 0]" in output
    assert "=== v2.0 try_agent/catch_correction Demo ===" in output
    assert "Error correction completed." in output


def test_debug_lens_without_nvim_dap_starts_nothing(session: Session) -> None:
    assert session.results["debug_started"] is False


def test_completion_offers_the_agent_name(session: Session) -> None:
    assert session.step_error("completion") is None
    assert "ResilientAgent" in session.results["completion_labels"]


@pytest.mark.parametrize("name", ["highlights", "locals", "folds", "indents", "injections", "tags"])
def test_every_query_parses_in_neovim(setup_checks: dict[str, Any], name: str) -> None:
    assert setup_checks["parser_loaded"] is True
    query = setup_checks["queries"][name]
    assert query["ok"] is True, query.get("error")
    assert query["captures"]


def test_dap_setup_is_a_no_op_without_nvim_dap(setup_checks: dict[str, Any]) -> None:
    assert setup_checks["dap_without_nvim_dap"] is False


def test_dap_setup_registers_the_nexa_adapter_and_launch_configurations(setup_checks: dict[str, Any]) -> None:
    assert setup_checks["dap_with_nvim_dap"] is True
    assert setup_checks["dap_adapter"] == {
        "type": "executable",
        "command": "/opt/nexa/bin/nexa-dap",
        "args": [],
    }
    configurations = setup_checks["dap_configurations"]
    assert {c["type"] for c in configurations} == {"nexa"}
    assert {c["request"] for c in configurations} == {"launch"}
    assert all(c["program"] == "${file}" for c in configurations)


def test_workspace_root_is_the_folder_with_nexa_toml(setup_checks: dict[str, Any]) -> None:
    root = Path(setup_checks["root_with_marker"])
    assert (root / "nexa.toml").is_file()
    assert root.name == "project"


def test_workspace_root_falls_back_to_the_files_folder(setup_checks: dict[str, Any]) -> None:
    assert Path(setup_checks["root_without_marker"]).name == "loose"
