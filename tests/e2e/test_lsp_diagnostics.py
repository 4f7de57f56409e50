"""Diagnostics of the real `nexa-lsp` over stdio: pushed on open and change, pulled with result ids,
UTF-16 positions on lines with CJK text and emoji, a long random typing session, and refreshes when
an included file changes."""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import subprocess
from pathlib import Path

from lsprotocol import types

from .conftest import NEXA_LSP, RecordingClient, initialize, open_document

TOPOLOGY = Path("v1.0") / "15_dag_topology.nx"


def utf16_position(text: str, index: int) -> types.Position:
    """The LSP position (UTF-16) of code-point `index` of `text`, counted here independently."""
    before = text[:index]
    line = before.count("\n")
    column_text = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=len(column_text.encode("utf-16-le")) // 2)


def change(
    client: RecordingClient, uri: str, version: int, *changes: types.TextDocumentContentChangeEvent
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=list(changes),
        )
    )


def replace(text: str, start: int, end: int, new: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=utf16_position(text, start), end=utf16_position(text, end)), text=new
    )


async def pull(
    client: RecordingClient, uri: str, previous: str | None = None
) -> types.DocumentDiagnosticReport:
    return await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous
        )
    )


def summary(diagnostics: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return [
        (
            d.code,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message,
        )
        for d in diagnostics
    ]


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diagnostics]


async def test_an_inserted_error_in_a_corpus_program_is_published_with_the_version(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    program = tmp_path / "topology.nx"
    text = (corpus_dir / TOPOLOGY).read_text("utf-8")
    broken = text.replace("print(handled);", "print(handeld);")
    program.write_text(broken, "utf-8")
    uri = open_document(client, program)

    diagnostics = await client.published_for(uri, 1, lambda d: "E001" in codes(d))

    error = next(d for d in diagnostics if d.code == "E001")
    line = broken.splitlines().index("    print(handeld);")
    assert (error.range.start.line, error.range.start.character) == (line, 10)
    assert error.source == "nexa"
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.code_description is not None and "e001" in error.code_description.href
    assert error.data["name"] == "undeclared-identifier"


async def test_the_published_diagnostics_are_those_of_nexa_lsp_check(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    program = tmp_path / "topology.nx"
    text = (corpus_dir / TOPOLOGY).read_text("utf-8").replace("print(handled);", "print(handeld); x = 1 +;")
    program.write_text(text, "utf-8")
    uri = open_document(client, program)
    report = await pull(client, uri)
    cli = subprocess.run(
        [NEXA_LSP, "--check", str(program), "--output-format", "json", "--no-cache", "--exit-zero"],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = [(r["code"], r["location"]["row"] - 1, r["message"]) for r in json.loads(cli.stdout)]
    assert expected, "the inserted errors must be found"
    assert [(d.code, d.range.start.line, d.message) for d in report.items] == expected


async def test_fixing_the_error_clears_the_diagnostics_for_the_new_version(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    text = 'agent A { prompt: "x" }\nflow main { r = "q" >> A; print(rr); }\n'
    uri = open_document(client, tmp_path / "a.nx", text)
    assert codes(await client.published_for(uri, 1, lambda d: bool(d))) == ["E001"]

    start = text.index("rr)")
    change(client, uri, 2, replace(text, start, start + 2, "r"))

    assert not await client.published_for(uri, 2, lambda d: not d)


async def test_pull_diagnostics_answer_unchanged_for_the_same_result_id(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    text = "flow main { print(nope); }\n"
    uri = open_document(client, tmp_path / "a.nx", text)

    first = await pull(client, uri)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    assert codes(first.items) == ["E001"] and first.result_id
    again = await pull(client, uri, first.result_id)
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == first.result_id

    change(client, uri, 2, replace(text, text.index("nope"), text.index("nope") + 4, '"ok"'))
    after = await pull(client, uri, first.result_id)
    assert isinstance(after, types.RelatedFullDocumentDiagnosticReport)
    assert list(after.items) == [] and after.result_id != first.result_id


async def test_positions_count_utf16_code_units_after_cjk_text_and_emoji(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    line = 'flow main { print("你好，世界🙂🎉"); print(nope); }'
    uri = open_document(client, tmp_path / "a.nx", line + "\n")

    diagnostics = await client.published_for(uri, 1, lambda d: bool(d))

    start = line.index("nope")
    assert [(d.code, d.range.start.character, d.range.end.character) for d in diagnostics] == [
        ("E001", len(line[:start].encode("utf-16-le")) // 2, len(line[: start + 4].encode("utf-16-le")) // 2)
    ]


async def test_positions_count_bytes_when_utf8_is_negotiated(client: RecordingClient, tmp_path: Path) -> None:
    result = await initialize(client, tmp_path, encodings=["utf-32", "utf-8", "utf-16"])
    assert result.capabilities.position_encoding == "utf-8"
    line = 'flow main { print("你好🙂"); print(nope); }'
    uri = open_document(client, tmp_path / "a.nx", line + "\n")

    diagnostics = await client.published_for(uri, 1, lambda d: bool(d))

    start = line.index("nope")
    assert [(d.range.start.character, d.range.end.character) for d in diagnostics] == [
        (len(line[:start].encode("utf-8")), len(line[: start + 4].encode("utf-8")))
    ]
    # An edit in UTF-8 columns lands where intended: replace the undeclared name.
    position = types.Position(line=0, character=len(line[:start].encode("utf-8")))
    end = types.Position(line=0, character=len(line[: start + 4].encode("utf-8")))
    change(
        client,
        uri,
        2,
        types.TextDocumentContentChangePartial(range=types.Range(start=position, end=end), text='"是"'),
    )
    assert not await client.published_for(uri, 2, lambda d: not d)


ALPHABET = list("abcxyz_ (){};.,=>|&?\"'\n") + ["agent", "flow", "print(", "你好", "🙂", ">>", "  "]


async def test_a_random_typing_session_ends_with_the_diagnostics_of_a_fresh_open(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    rng = random.Random(20260515)
    typed, fresh = tmp_path / "typed", tmp_path / "fresh"
    typed.mkdir()
    fresh.mkdir()
    text = (corpus_dir / TOPOLOGY).read_text("utf-8")
    uri = open_document(client, typed / "program.nx", text)

    for version in range(2, 302):
        changes = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):  # sometimes several changes in one notification
            start = rng.randrange(len(text) + 1)
            end = min(len(text), start + rng.choice((0, 0, 0, 1, 1, 2, 5, 20)))
            new = "".join(rng.choice(ALPHABET) for _ in range(rng.choice((0, 1, 1, 1, 2, 4))))
            changes.append(replace(text, start, end, new))
            text = text[:start] + new + text[end:]
        change(client, uri, version, *changes)
        if rng.random() < 0.1:
            await asyncio.sleep(rng.choice((0.0, 0.01, 0.2)))  # pauses let some checks finish

    typed_report = await pull(client, uri)
    fresh_uri = open_document(client, fresh / "program.nx", text)
    fresh_report = await pull(client, fresh_uri)
    assert summary(typed_report.items) == summary(fresh_report.items)
    pushed = await client.published_for(uri, 301, lambda d: summary(d) == summary(fresh_report.items))
    assert summary(pushed) == summary(fresh_report.items)


async def test_an_included_file_changing_refreshes_the_includer(
    client: RecordingClient, tmp_path: Path
) -> None:
    library = tmp_path / "agents.nxlib"
    library_text = 'agent Writer { prompt: "write" }\n'
    library.write_text(library_text, "utf-8")
    main = tmp_path / "main.nx"
    main.write_text('include "agents.nxlib";\nflow main { r = "q" >> Writer; print(r); }\n', "utf-8")
    await initialize(client, tmp_path)
    main_uri = open_document(client, main)
    assert not await client.published_for(main_uri, 1)

    # The open library overrides the disk: renaming the agent there breaks main.
    library_uri = open_document(client, library)
    change(client, library_uri, 2, replace(library_text, 6, 12, "Author"))
    assert codes(await client.published_for(main_uri, 1, lambda d: bool(d))) == ["E001"]

    # Closing it brings back the disk's text, which declares Writer.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=library_uri))
    )
    await client.published_for(main_uri, 1, lambda d: not d)

    # A change on disk, reported by the file watcher, refreshes main too.
    client.published.clear()
    library.write_text('agent Editor { prompt: "edit" }\n', "utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=library.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert codes(await client.published_for(main_uri, 1, lambda d: bool(d))) == ["E001"]


async def test_a_missing_include_created_on_disk_refreshes_the_includer(
    client: RecordingClient, tmp_path: Path
) -> None:
    main = tmp_path / "main.nx"
    main.write_text('include "later.nxlib";\nflow main { print(Later); }\n', "utf-8")
    await initialize(client, tmp_path)
    main_uri = open_document(client, main)
    before = await client.published_for(main_uri, 1, lambda d: bool(d))
    assert "W006" in codes(before)

    shutil.copyfile(main, tmp_path / "unrelated.nx")
    (tmp_path / "later.nxlib").write_text('agent Later { prompt: "x" }\n', "utf-8")
    client.published.clear()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=(tmp_path / "later.nxlib").as_uri(), type=types.FileChangeType.Created)
            ]
        )
    )
    assert not await client.published_for(main_uri, 1, lambda d: not d)


async def test_a_document_nested_too_deeply_to_check_still_answers_pulls_and_the_server_keeps_serving(
    client: RecordingClient, tmp_path: Path
) -> None:
    # A sum of 600 terms nests 600 binary expressions: deeper than the front-end's recursion can
    # follow. The pull used to wait for a check that had failed, for ever.
    await initialize(client, tmp_path)
    deep = tmp_path / "deep.nx"
    text = "flow main {\n    x = 1" + " + 1" * 600 + "\n    print(x)\n    y = (\n}\n"
    deep_uri = open_document(client, deep, text)
    report = await asyncio.wait_for(pull(client, deep_uri), 30)
    assert codes(report.items) == ["E008"]  # the syntax error is still reported
    shown = [m.message for m in client.log_messages + client.messages]
    assert any("deep.nx:2:9 is nested too deeply to check" in m for m in shown), shown
    fine = tmp_path / "fine.nx"
    fine_text = 'agent Writer { prompt: "w" }\nflow main {\n    print(Writer, undefined_name)\n}\n'
    fine_uri = open_document(client, fine, fine_text)
    report = await asyncio.wait_for(pull(client, fine_uri), 30)
    assert "E001" in codes(report.items)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=fine_uri),
            position=types.Position(line=2, character=12),
        )
    )
    assert hover is not None and "agent Writer" in str(hover.contents)


async def test_a_lone_surrogate_in_the_text_is_one_utf16_unit_and_the_document_is_checked(
    client: RecordingClient, tmp_path: Path
) -> None:
    # Found by tests/fuzz/mutate.py: JSON may carry a lone surrogate ("\ud800"); opening such a
    # document raised UnicodeDecodeError, and the document got no diagnostics and no features.
    await initialize(client, tmp_path)
    path = tmp_path / "lone.nx"
    text = 'flow main {\n    print("\ud800", undefined_name)\n}\n'
    uri = open_document(client, path, text)
    report = await asyncio.wait_for(pull(client, uri), 30)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in report.items] == [("E001", 1, 15)]
    name = types.Range(start=types.Position(line=1, character=15), end=types.Position(line=1, character=29))
    change(client, uri, 2, types.TextDocumentContentChangePartial(range=name, text="len"))
    report = await asyncio.wait_for(pull(client, uri), 30)
    assert codes(report.items) == []
