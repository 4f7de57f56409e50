"""Spec-valid programs written from the language reference, one per area (L§1–§7), checked the way an
outside author's program is: it parses with no ERROR or MISSING node, the checker reports no error,
and, where the offline provider (S§4.5) makes the run deterministic, `nexa run` (or `nexa test`)
exits with the expected code and prints exactly the expected stdout (`NAME.stdout` beside the
program).

Programs under `programs/errors/` are wrong on purpose: the checker must find their error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tree_sitter

import tree_sitter_nexa
from nexa_lang.checker import check_text
from nexa_lang.diagnostics import Diagnostic

PROGRAMS = Path(__file__).parent / "programs"
VALID = sorted(PROGRAMS.glob("*.nx")) + sorted((PROGRAMS / "lib").glob("*.nxlib"))
NEXA = Path(sys.executable).with_name("nexa")

# Programs that `nexa run` executes deterministically, with their exit code (L§7.2).
RUNS = {
    "actors_concurrency.nx": 0,
    "agent_declarations.nx": 0,
    "bom_crlf_tabs.nx": 0,
    "dag_operators.nx": 0,
    "db_kv_auth.nx": 0,
    "edge_spellings.nx": 0,
    "failed_spawned_task.nx": 0,
    "harness_statements.nx": 0,
    "import_alias.nx": 0,
    "include_import_std.nx": 0,
    "lexical_forms.nx": 0,
    "match_patterns_intent.nx": 0,
    "more_spellings.nx": 0,
    "operators_precedence.nx": 0,
    "pipe_calls.nx": 0,
    "prelude_templates.nx": 0,
    "semantic_if_forms.nx": 0,
    "statements_control.nx": 0,
    "templates_input_exit.nx": 3,  # ends with exit(3)
    "types_structs_traits.nx": 0,
}
# Programs whose `test` blocks `nexa test` runs (L§7.12).
TESTS = {"tests_contracts.nx": 0}


def _errors(path: Path) -> list[Diagnostic]:
    return [
        d for d in check_text(path.read_text(encoding="utf-8-sig"), str(path)) if d.severity.name == "ERROR"
    ]


def _first_bad_node(node: tree_sitter.Node) -> tree_sitter.Node | None:
    if node.is_error or node.is_missing:
        return node
    if not node.has_error:
        return None
    return next((bad for child in node.children if (bad := _first_bad_node(child)) is not None), None)


def _run(*args: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NEXA), *args, str(path)],
        cwd=path.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_program_parses_without_error_or_missing_nodes(path: Path) -> None:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_nexa.language()))
    bad = _first_bad_node(parser.parse(path.read_bytes()).root_node)
    assert bad is None, f"{path.name}:{bad.start_point[0] + 1}: {'MISSING' if bad.is_missing else 'ERROR'}"


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_program_has_no_error_diagnostics(path: Path) -> None:
    assert [(d.code, d.message) for d in _errors(path)] == []


# The warnings and infos each program gets, every one justified by the spec: unused declarations
# (W001, G002), an agent with no instructions (W004), capabilities the default sandbox lacks (S001),
# a prelude name hidden on purpose (W012), deprecated spellings written on purpose (W003), code after
# exit() (W009). Anything else is an unjustified diagnostic on a valid program.
EXPECTED_NOTES = {
    "agent_declarations.nx": ["G002", "S001", "W001", "W004"],
    "db_kv_auth.nx": ["W001"],
    "edge_spellings.nx": ["S001", "W001", "W012"],
    "include_import_std.nx": ["W003"],
    "more_spellings.nx": ["W003"],
    "templates_input_exit.nx": ["W009"],
}


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_program_gets_only_its_justified_warnings(path: Path) -> None:
    codes = {d.code for d in check_text(path.read_text(encoding="utf-8-sig"), str(path))}
    assert sorted(codes) == EXPECTED_NOTES.get(path.name, [])


def test_every_runnable_program_has_its_expected_output() -> None:
    assert sorted(p.name for p in PROGRAMS.glob("*.stdout")) == sorted(
        n.replace(".nx", ".stdout") for n in [*RUNS, *TESTS]
    )


@pytest.mark.parametrize("name", sorted(RUNS))
def test_nexa_run_prints_the_expected_output(name: str) -> None:
    path = PROGRAMS / name
    done = _run("run", path=path)
    assert (done.returncode, done.stdout) == (
        RUNS[name],
        path.with_suffix(".stdout").read_text(encoding="utf-8"),
    )
    assert "Traceback" not in done.stderr


def test_a_failed_task_never_awaited_is_a_warning_not_a_traceback() -> None:
    done = _run("run", path=PROGRAMS / "failed_spawned_task.nx")
    assert done.stderr == "warning: a spawned task failed and was never awaited: RuntimeError: boom\n"


@pytest.mark.parametrize("name", sorted(TESTS))
def test_nexa_test_reports_every_test(name: str) -> None:
    path = PROGRAMS / name
    done = _run("test", path=path)
    assert (done.returncode, done.stdout) == (
        TESTS[name],
        path.with_suffix(".stdout").read_text(encoding="utf-8"),
    )


# ---- programs with an error the checker must find ----

ERRORS = PROGRAMS / "errors"


def test_unbound_interpolation_index_variable_is_e001() -> None:
    path = ERRORS / "interpolation_index_name.nx"
    assert [(d.code, d.message) for d in _errors(path)] == [
        ("E001", "undeclared name 'j'; did you mean 'a'?")
    ]
    assert _run("run", path=path).returncode == 2  # refused, as the check said
