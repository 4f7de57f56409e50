"""Checking contexts (diagnostics.md §2.1): a library included by roots of the context is checked as
part of each root's program, its diagnostics merged over them; one included by no root is checked
standalone. Both the engine (`nexa_lang.context`) and `nexa-lsp --check` are tested."""

from __future__ import annotations

import json
from pathlib import Path

from nexa_lang.context import check_context, plan_context

LIBRARY = "flow summarize(text) { return Writer.run(text) }\n"  # Writer: declared by the includer only
ROOT = 'include "lib.nxlib"\nagent Writer { prompt: "Summarize." }\nflow main { print(summarize("x")) }\n'


def write(folder: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in files]


def codes_by_file(folder: Path, files: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    paths = write(folder, files)
    found = check_context([(p, Path(p).read_text(encoding="utf-8")) for p in paths])
    return {Path(p).name: [(d.code, d.message) for d in ds] for p, ds in found.items()}


def test_a_library_uses_a_name_its_includer_declares_without_w005(tmp_path: Path):
    found = codes_by_file(tmp_path, {"main.nx": ROOT, "lib.nxlib": LIBRARY})
    assert found == {"main.nx": [], "lib.nxlib": []}


def test_the_same_library_alone_is_checked_standalone_with_w005(tmp_path: Path):
    found = codes_by_file(tmp_path, {"lib.nxlib": LIBRARY})
    assert [code for code, _ in found["lib.nxlib"]] == ["W005"]


def test_a_library_whose_includer_is_not_in_the_context_is_standalone(tmp_path: Path):
    write(tmp_path, {"main.nx": ROOT})
    found = codes_by_file(tmp_path, {"lib.nxlib": LIBRARY})
    assert [code for code, _ in found["lib.nxlib"]] == ["W005"]


def test_a_library_of_two_roots_reports_an_error_once_with_the_program_it_holds_in(tmp_path: Path):
    other = 'include "lib.nxlib"\nflow main { print(summarize("y")) }\n'  # declares no Writer
    found = codes_by_file(tmp_path, {"a.nx": ROOT, "b.nx": other, "lib.nxlib": LIBRARY})
    assert found["lib.nxlib"] == [("E001", "undeclared name 'Writer' (in program 'b.nx')")]
    assert found["a.nx"] == [] and found["b.nx"] == []


def test_a_diagnostic_that_holds_in_two_roots_names_the_first(tmp_path: Path):
    root = 'include "lib.nxlib"\nflow main { print(summarize("y")) }\n'
    found = codes_by_file(tmp_path, {"a.nx": root, "b.nx": root, "lib.nxlib": LIBRARY})
    assert [m for _, m in found["lib.nxlib"]] == ["undeclared name 'Writer' (in program 'a.nx')"]


def test_w001_in_a_library_holds_only_if_no_including_root_uses_the_declaration(tmp_path: Path):
    library = 'agent Helper { prompt: "Help." }\n'
    uses = 'include "lib.nxlib"\nflow main { print(Helper.run("x")) }\n'
    ignores = 'include "lib.nxlib"\nflow main { print("x") }\n'
    found = codes_by_file(tmp_path, {"a.nx": uses, "b.nx": ignores, "lib.nxlib": library})
    assert found["lib.nxlib"] == [("W001", "agent 'Helper' is declared but never used (in program 'b.nx')")]


def test_context_independent_diagnostics_of_a_library_are_reported_once(tmp_path: Path):
    library = "agent Quiet {}\n"  # W004 whoever includes it
    root = 'include "lib.nxlib"\nflow main { print(Quiet.run("x")) }\n'
    found = codes_by_file(tmp_path, {"a.nx": root, "b.nx": root, "lib.nxlib": library})
    assert [code for code, _ in found["lib.nxlib"]] == ["W004"]


def test_a_library_included_transitively_is_checked_with_the_root(tmp_path: Path):
    outer = 'include "inner.nxlib"\nflow summarize(text) { return helper(text) }\n'
    inner = "flow helper(text) { return Writer.run(text) }\n"
    found = codes_by_file(
        tmp_path,
        {"main.nx": ROOT.replace("lib.nxlib", "outer.nxlib"), "outer.nxlib": outer, "inner.nxlib": inner},
    )
    assert found == {"main.nx": [], "outer.nxlib": [], "inner.nxlib": []}


def test_an_include_cycle_of_libraries_under_a_root_ends(tmp_path: Path):
    files = {
        "main.nx": ROOT.replace("lib.nxlib", "a.nxlib"),
        "a.nxlib": 'include "b.nxlib"\nflow summarize(text) { return polish(text) }\n',
        "b.nxlib": 'include "a.nxlib"\nflow polish(text) { return Writer.run(summarize2(text)) }\n',
    }
    found = codes_by_file(tmp_path, files)
    assert found["main.nx"] == [] and found["a.nxlib"] == []
    assert [m for _, m in found["b.nxlib"]] == [
        "undeclared function or flow 'summarize2'; did you mean 'summarize'? (in program 'main.nx')"
    ]


def test_an_include_cycle_without_a_root_checks_each_library_standalone(tmp_path: Path):
    files = {
        "a.nxlib": 'include "b.nxlib"\nflow first(text) { return second(text) }\n',
        "b.nxlib": 'include "a.nxlib"\nflow second(text) { return Writer.run(text) }\n',
    }
    found = codes_by_file(tmp_path, files)
    assert found["a.nxlib"] == []
    assert [code for code, _ in found["b.nxlib"]] == ["W005"]


def test_roots_including_each_other_stay_their_own_programs(tmp_path: Path):
    files = {
        "a.nx": 'include "b.nx"\nflow main { print(shared()) }\n',
        "b.nx": 'include "a.nx"\nflow shared() { return 1 }\nflow main { print(Missing.run("x")) }\n',
    }
    paths = write(tmp_path, files)
    plan = plan_context(paths)
    assert [(u.root, u.libraries) for u in plan.units] == [(0, []), (1, [])]


def test_the_plan_groups_libraries_under_their_roots(tmp_path: Path):
    paths = write(tmp_path, {"a.nx": ROOT, "lib.nxlib": LIBRARY, "b.nx": ROOT, "alone.nxlib": LIBRARY})
    plan = plan_context(paths)
    assert [(u.root, u.libraries) for u in plan.units] == [(0, [1]), (2, [1]), (3, [])]
    assert plan.includers == {1: [0, 1]}


# --- nexa-lsp --check -----------------------------------------------------------------------------


def records(run) -> list[tuple[str, str, str]]:
    return [(r["filename"], r["code"], r["message"]) for r in json.loads(run.stdout)]


def test_check_command_checks_a_library_with_its_includers(nexa_lsp, tmp_path: Path):
    other = 'include "lib.nxlib"\nflow main { print(summarize("y")) }\n'
    write(tmp_path, {"a.nx": ROOT, "b.nx": other, "lib.nxlib": LIBRARY})
    run = nexa_lsp("--check", ".", "--output-format", "json")
    message = "undeclared name 'Writer' (in program 'b.nx')"
    assert records(run) == [("lib.nxlib", "E001", message)]
    assert run.returncode == 1


def test_check_command_on_the_library_alone_is_standalone(nexa_lsp, tmp_path: Path):
    write(tmp_path, {"a.nx": ROOT, "lib.nxlib": LIBRARY})
    assert [code for _, code, _ in records(nexa_lsp("--check", "lib.nxlib", "--output-format", "json"))] == [
        "W005"
    ]


def test_check_command_gives_the_same_context_in_parallel_and_from_the_cache(nexa_lsp, tmp_path: Path):
    files = {f"r{n:02}.nx": ROOT for n in range(10)}
    files["lib.nxlib"] = LIBRARY + 'agent Spare { prompt: "p" }\n'
    write(tmp_path, files)
    cache = str(tmp_path / "cache")
    serial = records(nexa_lsp("--check", ".", "--output-format", "json", "--jobs", "1", "--no-cache"))
    parallel = records(
        nexa_lsp("--check", ".", "--output-format", "json", "--jobs", "2", "--cache-dir", cache)
    )
    cached = records(nexa_lsp("--check", ".", "--output-format", "json", "--jobs", "2", "--cache-dir", cache))
    assert serial == parallel == cached
    assert serial == [("lib.nxlib", "W001", "agent 'Spare' is declared but never used (in program 'r00.nx')")]


def test_a_changed_library_invalidates_the_cached_root(nexa_lsp, tmp_path: Path):
    write(tmp_path, {"a.nx": ROOT, "lib.nxlib": LIBRARY})
    cache = str(tmp_path / "cache")
    assert records(nexa_lsp("--check", ".", "--output-format", "json", "--cache-dir", cache)) == []
    (tmp_path / "lib.nxlib").write_text(LIBRARY.replace("Writer", "Writr"), encoding="utf-8")
    found = records(nexa_lsp("--check", ".", "--output-format", "json", "--cache-dir", cache))
    assert [(f, c) for f, c, _ in found] == [("a.nx", "W001"), ("lib.nxlib", "E001")]
