"""The suppression quick fixes of the real `nexa-lsp` (diagnostics.md §13): offered for the
diagnostics of the request's context (or at the cursor when it is empty), at UTF-16 positions after
Chinese text and emoji, and applying one makes the server's next check drop that diagnostic only."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from .conftest import RecordingClient, open_document
from .test_lsp_features import doc, position, start, utf16_length, write

TEXT = 'agent Unused { prompt: "写诗 🌸" }\nflow main {\n    print("你好🌍", missing)\n}\n'


def edits_of(action: types.CodeAction | types.Command, uri: str) -> list[types.TextEdit]:
    assert isinstance(action, types.CodeAction)
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


async def test_ignore_on_this_line_hides_the_diagnostic_and_keeps_the_others(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "main.nx", TEXT))
    published = await client.published_for(uri, 1, accept=lambda items: any(d.code == "E001" for d in items))
    assert sorted(str(d.code) for d in published) == ["E001", "W001"]
    e001 = next(d for d in published if d.code == "E001")

    # The whole document is asked about, but the context names only E001.
    everything = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=4, character=0)
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri), range=everything, context=types.CodeActionContext(diagnostics=[e001])
        )
    )
    by_title = {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}
    assert "Ignore E001 on this line" in by_title and "Ignore E001 in this file" in by_title
    assert not [title for title in by_title if "W001" in title]
    line_action = by_title["Ignore E001 on this line"]
    assert line_action.kind == types.CodeActionKind.QuickFix and not line_action.is_preferred
    end_of_line = types.Position(line=2, character=utf16_length('    print("你好🌍", missing)'))
    (edit,) = edits_of(line_action, uri)
    assert edit == types.TextEdit(
        range=types.Range(start=end_of_line, end=end_of_line), new_text="  // nexa: ignore[E001]"
    )

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
        )
    )
    # The edit is first published with the old findings moved through it, then checked again.
    after = await client.published_for(uri, 2, accept=lambda items: all(d.code != "E001" for d in items))
    assert [str(d.code) for d in after] == ["W001"]


async def test_an_empty_context_offers_the_suppressions_at_the_cursor(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "main.nx", TEXT))
    await client.published_for(uri, 1, accept=lambda items: any(d.code == "W001" for d in items))
    cursor = position(TEXT, "Unused", shift=2)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=types.Range(start=cursor, end=cursor),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    by_title = {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}
    assert "Ignore E001 on this line" not in by_title
    top = types.Position(line=0, character=0)
    assert edits_of(by_title["Ignore W001 in this file"], uri) == [
        types.TextEdit(range=types.Range(start=top, end=top), new_text="// nexa: ignore-file[W001]\n")
    ]
    assert "Remove the unused agent" in by_title  # the rule's own fix is still offered
    assert not [a for title, a in by_title.items() if title.startswith("Ignore") and a.is_preferred]
