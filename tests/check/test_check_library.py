"""`check_library`: one library checked through the roots that include it, as the language server
does for an open library (diagnostics.md §2.1). It must give what `nexa-lsp --check` gives for the
same context (`check_context`), and the server's worker (`run_check`) must use it."""

from __future__ import annotations

from pathlib import Path

from nexa_lang.check import check_library, parse_file
from nexa_lang.config import Settings
from nexa_lang.context import check_context
from nexa_lsp.check_runner import CheckRequest, run_check

LIBRARY = "flow summarize(text) { return Writer.run(text) }\n"  # Writer: declared by the includer only
DECLARES = 'include "lib.nxlib"\nagent Writer { prompt: "Summarize." }\nflow main { print(summarize("x")) }\n'
LACKS = 'include "lib.nxlib"\nflow main { print(summarize("y")) }\n'


def write(folder: Path, files: dict[str, str]) -> dict[str, str]:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return {str(folder / name): text for name, text in files.items()}


def test_check_library_agrees_with_the_cli_context_and_names_the_root_the_error_holds_in(tmp_path: Path):
    files = write(tmp_path, {"a.nx": DECLARES, "b.nx": LACKS, "lib.nxlib": LIBRARY})
    a, b, lib = files
    dependencies: list[str] = []
    roots = [(parse_file(files[a], a), Settings()), (parse_file(files[b], b), Settings())]
    found = check_library(parse_file(LIBRARY, lib), Settings(), roots, dependencies=dependencies)
    assert [(d.code, d.message) for d in found] == [("E001", "undeclared name 'Writer' (in program 'b.nx')")]
    assert found == check_context(list(files.items()))[lib]
    assert {a, b} <= set(dependencies)


def test_the_worker_checks_a_library_through_its_roots_with_the_open_root_text_first(tmp_path: Path):
    files = write(tmp_path, {"a.nx": LACKS, "lib.nxlib": LIBRARY})
    a, lib = files
    alone = run_check(CheckRequest(lib, LIBRARY))
    assert [d.code for d in alone.diagnostics] == ["W005"]  # no including root: standalone
    through = run_check(CheckRequest(lib, LIBRARY, roots=(a,)))
    assert [d.message for d in through.diagnostics] == ["undeclared name 'Writer' (in program 'a.nx')"]
    assert str(tmp_path / "a.nx") in through.dependencies
    assert str(tmp_path / "lib.nxlib") not in through.dependencies
    edited = run_check(CheckRequest(lib, LIBRARY, overlays={a: DECLARES}, roots=(a,)))
    assert edited.diagnostics == []


def test_the_worker_checks_the_librarys_own_unsaved_text_inside_the_roots_program(tmp_path: Path):
    files = write(tmp_path, {"a.nx": DECLARES, "lib.nxlib": LIBRARY})
    a, lib = files
    typed = LIBRARY.replace("Writer", "Author")
    outcome = run_check(CheckRequest(lib, typed, roots=(a,)))
    assert [d.message for d in outcome.diagnostics] == ["undeclared name 'Author' (in program 'a.nx')"]


def test_an_unreadable_root_is_left_out(tmp_path: Path):
    files = write(tmp_path, {"a.nx": LACKS, "lib.nxlib": LIBRARY})
    a, lib = files
    gone = str(tmp_path / "gone.nx")
    outcome = run_check(CheckRequest(lib, LIBRARY, roots=(gone, a)))
    assert [d.message for d in outcome.diagnostics] == ["undeclared name 'Writer' (in program 'a.nx')"]
