"""The H- and S-codes on the upstream corpus (diagnostics.md §15.2), checked as `nexa-lsp --check`
does with the default configuration (no `nexa.toml`: harness mode `warn`, the default sandbox):
each file is checked as its own program and keeps the diagnostics of that file only.

§15.2 names H003 for `Nexa-Code/flows.nx` and `v2.0/nexa_code.nx`, H004 for `v2.0/01_autoloop.nx`,
H005 for `v2.0/03_try_agent.nx`, and S001 for the files using `std.shell`, `std.fs`, `std.http` or
`python!`; the lines below are every such use (`uses` items, the `uses: "std.http"` property,
`mcp:"http://…"`, the `python:` tool key and each `python!` block).
"""

from pathlib import Path

import pytest

from nexa_lang.check import check_source
from nexa_lang.config import Settings
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.selection import HarnessMode

EXPECTED: dict[str, list[tuple[str, int]]] = {
    "Nexa-Code/flows.nx": [("H003", 20)],  # autoloop max_steps: 100, exit_when: … (no timeout)
    "Nexa-Code/tools.nx": [("S001", 11), ("S001", 30), ("S001", 45), ("S001", 61), ("S001", 82)],  # python!
    "v0.1/02_pipeline_and_routing.nx": [("S001", 15)],  # uses: "std.http"
    "v0.1/06_sys_admin_bot.nx": [("S001", 1)],  # uses std.shell
    "v0.1/07_modules_and_secrets.nx": [("S001", 3)],  # uses std.shell
    "v0.1/08_news_aggregator.nx": [("S001", 1), ("S001", 1)],  # uses std.time, std.http, std.fs
    "v0.9/12_v0.9_features.nx": [("S001", 9)],  # uses mcp:"http://fake.url"
    "v1.2/16_native_controls_and_python.nx": [("S001", 97)],  # python!
    "v1.2/test_custom_tool.nx": [("S001", 43), ("S001", 96), ("S001", 96)],  # python: key; std.fs, std.http
    "v1.2/test_include_module.nx": [("S001", 49)],  # uses std.fs
    "v1.2/test_stdlib_uses.nx": [
        ("S001", 5),  # std.fs
        ("S001", 11),  # std.http
        ("S001", 41),  # std.shell
        ("S001", 53),  # std.fs, std.http
        ("S001", 53),
        ("S001", 71),  # std.fs, std.http
        ("S001", 71),
    ],
    "v2.0/01_autoloop.nx": [("H004", 13)],
    "v2.0/03_try_agent.nx": [("H005", 17)],
    "v2.0/nexa_code.nx": [
        ("S001", 27),
        ("S001", 46),
        ("S001", 61),
        ("S001", 77),
        ("S001", 98),
        ("H003", 130),
    ],
}


def harness_diagnostics(path: Path, mode: HarnessMode = HarnessMode.WARN) -> list[Diagnostic]:
    settings = Settings().with_options(select=("H", "S"), harness_mode=mode)
    return check_source(path.read_text(encoding="utf-8"), str(path), settings)


def line_of(path: Path, diagnostic: Diagnostic) -> int:
    return path.read_bytes()[: diagnostic.span.start].count(b"\n") + 1


@pytest.fixture(scope="module")
def corpus_found(corpus_files: list[Path]) -> dict[Path, list[Diagnostic]]:
    return {path: harness_diagnostics(path) for path in corpus_files}


def test_corpus_h_and_s_codes_are_exactly_those_of_the_spec(
    corpus_found: dict[Path, list[Diagnostic]], corpus_dir: Path
) -> None:
    got = {
        path.relative_to(corpus_dir).as_posix(): [(d.code, line_of(path, d)) for d in found]
        for path, found in corpus_found.items()
        if found
    }
    assert got == EXPECTED


def test_corpus_has_no_h_error_in_warn_mode(corpus_found: dict[Path, list[Diagnostic]]) -> None:
    assert [d for found in corpus_found.values() for d in found if d.severity.value == "error"] == []


def test_corpus_s001_is_information_and_h_codes_are_warnings(
    corpus_found: dict[Path, list[Diagnostic]],
) -> None:
    severities = {(d.code[0], d.severity.value) for found in corpus_found.values() for d in found}
    assert severities == {("H", "warning"), ("S", "info")}


def test_corpus_strict_mode_adds_no_error(corpus_files: list[Path]) -> None:
    # None of the corpus findings (H003, H004, H005) is a strict error.
    errors = [
        (path.name, d.code)
        for path in corpus_files
        for d in harness_diagnostics(path, HarnessMode.STRICT)
        if d.severity.value == "error"
    ]
    assert errors == []


def test_corpus_off_mode_reports_no_h_code(corpus_files: list[Path]) -> None:
    found = [d.code for path in corpus_files for d in harness_diagnostics(path, HarnessMode.OFF)]
    assert found and all(code == "S001" for code in found)
