"""The values-and-types rules on the upstream corpus (diagnostics.md §15.2).

Each corpus file is checked as the root of its own program (its includes resolved on disk); a
diagnostic counts for the file it lies in. None of these rules may report an error on the corpus,
and the warnings are exactly the ones below. Where §15.2 lists one of these codes for a file, the
file is here with it; `v0.1/07_modules_and_secrets.nx` gets W002 case 1 as well (its two adjacent
calls `MainAgent.run(…)` and `LibAgent.run(…)` are independent; §15.2's table is a list of examples).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nexa_lang.checker import check_program, rules
from nexa_lang.diagnostics import Diagnostic, Severity
from nexa_lang.model import Workspace

CODES = ("E002", "E003", "E005", "E009", "E010", "E012", "E302")
WARNING_CODES = ("W002", "W003", "W004", "W007", "W008", "W010", "W011")

EXPECTED_WARNINGS: dict[str, set[str]] = {
    "v0.1/02_pipeline_and_routing.nx": {"W004"},
    "v0.1/04_join_consensus.nx": {"W002"},
    "v0.1/07_modules_and_secrets.nx": {"W002"},
    "v0.1/10_skill_markdown.nx": {"W003"},
    "v0.9/12_v0.9_features.nx": {"W004"},
    "v1.0/14_secrets_and_caching.nx": {"W003"},
    "v1.2/test_auth.nx": {"W004"},
    "v1.2/test_database.nx": {"W004"},
    "v1.2/test_flow_params.nx": {"W008", "W010"},
    "v1.2/test_kv.nx": {"W004"},
    "v1.2/test_loop_until.nx": {"W002"},
    "v1.2/test_multiline_prompt.nx": {"W004"},
    "v1.2/test_protocol_implements.nx": {"W002"},
    "v1.2/test_secret_management.nx": {"W002"},
}


@pytest.fixture(scope="module")
def corpus_diagnostics(corpus_dir: Path, corpus_files: list[Path]) -> dict[str, list[Diagnostic]]:
    """Relative path → the diagnostics of these rules that lie in that file."""
    workspace = Workspace()
    selected = [r for r in rules() if r.code in CODES + WARNING_CODES]
    result: dict[str, list[Diagnostic]] = {}
    for path in corpus_files:
        root = workspace.file(str(path))
        assert root is not None
        own = [
            d
            for d in check_program(workspace.program(root), selected)
            if d.path and workspace.key(d.path) == workspace.key(str(path))
        ]
        result[path.relative_to(corpus_dir).as_posix()] = own
    return result


def test_no_values_rule_reports_an_error_on_the_corpus(corpus_diagnostics):
    errors = [
        (name, d.code, d.message)
        for name, found in corpus_diagnostics.items()
        for d in found
        if d.severity is Severity.ERROR
    ]
    assert errors == []


def test_corpus_warnings_of_the_values_rules_are_exactly_the_expected_ones(corpus_diagnostics):
    found = {name: {d.code for d in ds} for name, ds in corpus_diagnostics.items() if ds}
    assert found == EXPECTED_WARNINGS


def test_corpus_w010_is_the_two_quoted_numbers_of_test_flow_params(corpus_diagnostics):
    messages = [d.message for d in corpus_diagnostics["v1.2/test_flow_params.nx"] if d.code == "W010"]
    assert messages == [
        "argument 'value' of 'flow_multi_param' expects int, found str",
        "argument 'count' of 'flow_typed_param' expects int, found str",
    ]


def test_corpus_w002_in_test_loop_until_is_lines_134_to_135(corpus_diagnostics):
    messages = [d.message for d in corpus_diagnostics["v1.2/test_loop_until.nx"]]
    assert messages == [
        "agent calls on lines 134–135 do not depend on each other; they could run in parallel"
    ]
