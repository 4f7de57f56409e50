"""A library open in the editor is checked as part of the workspace's roots that include it, as
`nexa-lsp --check` does (diagnostics.md §2.1): E001 inside it is an error naming the program, pushed
and pulled alike, and it follows edits of the root; a library no root includes keeps W005."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from lsprotocol import types

from .conftest import NEXA_LSP, RecordingClient, initialize, open_document
from .test_lsp_diagnostics import change, pull, replace

ROOT = 'include "part.nxlib"\n\nflow main {\n    print(helper_flow())\n}\n'
PART = "flow helper_flow() {\n    return missing_name\n}\n"
IN_PROGRAM = "undeclared name 'missing_name' (in program 'root.nx')"


def shown(diagnostics: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return [
        (d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.character, d.message)
        for d in diagnostics
    ]


def cli_check(folder: Path) -> list[tuple[object, ...]]:
    """What `nexa-lsp --check <folder>` reports for part.nxlib, in the shape of `shown`."""
    run = subprocess.run(
        [NEXA_LSP, "--check", "--no-cache", "--output-format", "json", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    severity = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
    return [
        (
            d["code"],
            severity[d["severity"]],
            d["location"]["row"] - 1,
            d["location"]["column"] - 1,
            d["end_location"]["column"] - 1,
            d["message"],
        )
        for d in json.loads(run.stdout)
        if d["filename"] == "part.nxlib"
    ]


def program(folder: Path) -> tuple[Path, Path]:
    root, part = folder / "root.nx", folder / "part.nxlib"
    root.write_text(ROOT, "utf-8")
    part.write_text(PART, "utf-8")
    return root, part


async def test_an_included_library_gets_the_programs_e001_pushed_and_pulled_as_check_reports_it(
    client: RecordingClient, tmp_path: Path
) -> None:
    _, part = program(tmp_path)
    expected = cli_check(tmp_path)
    assert expected == [("E001", types.DiagnosticSeverity.Error, 1, 11, 23, IN_PROGRAM)]
    await initialize(client, tmp_path)
    uri = open_document(client, part)  # the root stays closed: it is read from the disk
    pushed = await client.published_for(uri, 1, lambda d: shown(d) == expected)
    assert shown(pushed) == expected
    report = await pull(client, uri)
    assert shown(report.items) == expected


async def test_editing_the_root_to_define_the_name_clears_the_library_and_closing_it_restores_it(
    client: RecordingClient, tmp_path: Path
) -> None:
    root, part = program(tmp_path)
    await initialize(client, tmp_path)
    part_uri = open_document(client, part)
    await client.published_for(part_uri, 1, lambda d: [m.message for m in d] == [IN_PROGRAM])
    root_uri = open_document(client, root)

    client.published.clear()
    change(client, root_uri, 2, replace(ROOT, len(ROOT), len(ROOT), "\nmissing_name = 1\n"))
    assert await client.published_for(part_uri, 1, lambda d: not d) == []
    assert list((await pull(client, part_uri)).items) == []

    # The editor's unsaved text no longer applies once the root is closed: the disk's does.
    client.published.clear()
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=root_uri))
    )
    await client.published_for(part_uri, 1, lambda d: [m.message for m in d] == [IN_PROGRAM])


async def test_a_root_that_starts_including_the_library_in_the_editor_checks_it_as_part_of_its_program(
    client: RecordingClient, tmp_path: Path
) -> None:
    root, part = program(tmp_path)
    root.write_text(ROOT.replace('include "part.nxlib"\n\n', ""), "utf-8")
    await initialize(client, tmp_path)
    part_uri = open_document(client, part)
    standalone = await client.published_for(part_uri, 1, lambda d: bool(d))
    assert [(d.code, d.severity) for d in standalone] == [("W005", types.DiagnosticSeverity.Warning)]

    root_text = root.read_text("utf-8")
    root_uri = open_document(client, root)
    client.published.clear()
    change(client, root_uri, 2, replace(root_text, 0, 0, 'include "part.nxlib"\n'))
    await client.published_for(part_uri, 1, lambda d: [m.message for m in d] == [IN_PROGRAM])


async def test_the_library_is_checked_with_its_own_unsaved_text_inside_the_roots_program(
    client: RecordingClient, tmp_path: Path
) -> None:
    _, part = program(tmp_path)
    await initialize(client, tmp_path)
    part_uri = open_document(client, part)
    await client.published_for(part_uri, 1, lambda d: bool(d))
    start = PART.index("missing_name")
    change(client, part_uri, 2, replace(PART, start, start + len("missing_name"), "other_name"))
    pushed = await client.published_for(part_uri, 2, lambda d: bool(d))
    assert [d.message for d in pushed] == ["undeclared name 'other_name' (in program 'root.nx')"]


async def test_a_library_that_no_root_includes_keeps_the_standalone_w005(
    client: RecordingClient, tmp_path: Path
) -> None:
    program(tmp_path)
    alone = tmp_path / "alone.nxlib"
    alone.write_text(PART, "utf-8")
    await initialize(client, tmp_path)
    uri = open_document(client, alone)
    pushed = await client.published_for(uri, 1, lambda d: bool(d))
    expected = [
        (
            "W005",
            types.DiagnosticSeverity.Warning,
            1,
            11,
            23,
            "'missing_name' is not defined here; this library may be included by a program that defines it",
        )
    ]
    assert shown(pushed) == expected
    assert shown((await pull(client, uri)).items) == expected


async def test_with_two_roots_lacking_the_name_the_library_names_the_first_in_the_order_check_walks(
    client: RecordingClient, tmp_path: Path
) -> None:
    # --check walks a folder's files before its subfolders: z.nx comes before sub/b.nx.
    _, part = program(tmp_path)
    (tmp_path / "root.nx").rename(tmp_path / "z.nx")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.nx").write_text(ROOT.replace("part.nxlib", "../part.nxlib"), "utf-8")
    expected = cli_check(tmp_path)
    assert [d[-1] for d in expected] == [IN_PROGRAM.replace("root.nx", "z.nx")]
    await initialize(client, tmp_path)
    uri = open_document(client, part)
    pushed = await client.published_for(uri, 1, lambda d: shown(d) == expected, timeout=10)
    assert shown(pushed) == expected
