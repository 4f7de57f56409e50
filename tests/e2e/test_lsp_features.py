"""The editor features of the real `nexa-lsp` over stdio: signature help, inlay hints, code actions
(quick fixes and fix-all), rename (across an included file), document and workspace symbols,
semantic tokens (full, range, delta), folding ranges, selection ranges, the prompt preview (command
and hover), on corpus programs and on lines with Chinese text and emoji.

Expected positions are computed here from the text, counting UTF-16 code units independently of
the server's `nexa_lang.positions`.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .conftest import RecordingClient, capabilities, open_document

# A program whose interesting lines hold Chinese text and emoji before the names.
CJK = """agent Writer {
    role: "作家 ✍️", stream: "true",
    model: "DeepSeek/deepseek-chat",
    prompt: "写一首诗 🌸"
}

flow greet(name: str = "世界🌍", greeting: str = "你好") -> str {
    return "#{greeting}, #{name}";
}

flow main {
    poem = "春天 🌸" >> Writer;
    msg = greet("世界🌍", "你好");
    print(Writr.run(poem));
}
"""

# --- helpers ----------------------------------------------------------------------------------


def position(text: str, needle: str, nth: int = 0, shift: int = 0) -> types.Position:
    """The LSP position (UTF-16 columns) of the `nth` occurrence of `needle`, moved by `shift`
    characters."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += shift
    line_start = text.rfind("\n", 0, index) + 1
    return types.Position(line=text.count("\n", 0, index), character=utf16_length(text[line_start:index]))


def span_range(text: str, needle: str, nth: int = 0) -> types.Range:
    start = position(text, needle, nth)
    end = types.Position(line=start.line, character=start.character + utf16_length(needle))
    return types.Range(start=start, end=end)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def as_tuple(where: types.Position) -> tuple[int, int]:
    return (where.line, where.character)


def contains(outer: types.Range, inner: types.Range) -> bool:
    return as_tuple(outer.start) <= as_tuple(inner.start) and as_tuple(inner.end) <= as_tuple(outer.end)


def feature_capabilities(document_changes: bool = True) -> types.ClientCapabilities:
    result = capabilities()
    assert result.text_document is not None and result.workspace is not None
    result.text_document.document_symbol = types.DocumentSymbolClientCapabilities(
        hierarchical_document_symbol_support=True
    )
    result.text_document.rename = types.RenameClientCapabilities(prepare_support=True)
    result.text_document.completion = types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(
            snippet_support=True, documentation_format=[types.MarkupKind.Markdown]
        )
    )
    result.text_document.hover = types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])
    result.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=document_changes)
    return result


async def start(client: RecordingClient, root: Path, document_changes: bool = True) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=feature_capabilities(document_changes),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, "utf-8")
    return path


def copy_corpus(corpus_dir: Path, root: Path, *names: str) -> list[Path]:
    copies = []
    for name in names:
        target = root / Path(name).name
        shutil.copyfile(corpus_dir / name, target)
        copies.append(target)
    return copies


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def decode_tokens(
    data: list[int], legend: types.SemanticTokensLegend
) -> list[tuple[int, int, int, str, set[str]]]:
    """LSP's relative integers as (line, start, length, type, modifiers)."""
    tokens = []
    line = start = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, kind, bits = data[index : index + 5]
        line += delta_line
        start = start + delta_start if delta_line == 0 else delta_start
        modifiers = {name for bit, name in enumerate(legend.token_modifiers) if bits & (1 << bit)}
        tokens.append((line, start, length, legend.token_types[kind], modifiers))
    return tokens


def apply_token_edits(previous: list[int], edits: list[types.SemanticTokensEdit]) -> list[int]:
    result = list(previous)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        result[edit.start : edit.start + edit.delete_count] = list(edit.data or [])
    return result


# --- capabilities -----------------------------------------------------------------------------


async def test_initialize_advertises_every_editor_feature(client: RecordingClient, tmp_path: Path) -> None:
    caps = (await start(client, tmp_path)).capabilities
    assert caps.signature_help_provider is not None
    assert set(caps.signature_help_provider.trigger_characters or []) == {"(", ","}
    assert caps.inlay_hint_provider
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert set(caps.code_action_provider.code_action_kinds or []) == {"quickfix", "source.fixAll"}
    assert isinstance(caps.rename_provider, types.RenameOptions) and caps.rename_provider.prepare_provider
    assert caps.document_symbol_provider and caps.workspace_symbol_provider
    assert caps.folding_range_provider and caps.selection_range_provider
    tokens = caps.semantic_tokens_provider
    assert isinstance(tokens, types.SemanticTokensOptions)
    assert tokens.range and isinstance(tokens.full, types.SemanticTokensFullDelta) and tokens.full.delta
    assert "class" in tokens.legend.token_types and "declaration" in tokens.legend.token_modifiers
    assert caps.execute_command_provider is not None
    assert "nexa.promptPreview" in caps.execute_command_provider.commands


# --- signature help ---------------------------------------------------------------------------


async def test_signature_help_marks_the_argument_being_typed_after_cjk_text(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    at = position(CJK, '"你好");', shift=0)  # after `greet("世界🌍", `
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=doc(uri), position=at)
    )
    assert help_ is not None
    (signature,) = help_.signatures
    assert signature.label == 'greet(name: str = "世界🌍", greeting: str = "你好") -> str'
    assert help_.active_parameter == 1
    labels = [p.label for p in signature.parameters or []]
    assert all(isinstance(label, list | tuple) for label in labels)
    # offsets count UTF-16 units of the label: the emoji before `greeting` counts twice
    assert [utf16_slice(signature.label, *label) for label in labels] == [  # type: ignore[misc]
        'name: str = "世界🌍"',
        'greeting: str = "你好"',
    ]


async def test_signature_help_on_the_first_argument_and_none_outside_a_call(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    first = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=doc(uri), position=position(CJK, 'greet("', shift=6))
    )
    assert first is not None and first.active_parameter == 0
    outside = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=doc(uri), position=position(CJK, "poem = "))
    )
    assert outside is None


# --- inlay hints ------------------------------------------------------------------------------


async def test_inlay_hints_name_parameters_and_size_agent_prompts_on_cjk_lines(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    whole = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=CJK.count("\n"), character=0)
    )
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc(uri), range=whole)
    )
    assert hints is not None
    parameters = [(as_tuple(h.position), h.label) for h in hints if h.kind == types.InlayHintKind.Parameter]
    assert parameters == [
        (as_tuple(position(CJK, '"世界🌍", "你好"')), "name:"),
        (as_tuple(position(CJK, '"你好");')), "greeting:"),
    ]
    (stage,) = [h for h in hints if h.position == position(CJK, "Writer;", shift=len("Writer"))]
    assert isinstance(stage.label, str) and "tokens" in stage.label
    assert isinstance(stage.tooltip, types.MarkupContent) and "Prompt of `Writer`" in stage.tooltip.value
    assert "写一首诗 🌸" in stage.tooltip.value and "春天 🌸" in stage.tooltip.value


async def test_inlay_hints_only_in_the_requested_range_of_a_corpus_program(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    main, _ = copy_corpus(corpus_dir, tmp_path, "v0.1/07_modules_and_secrets.nx", "v0.1/utils.nxlib")
    text = main.read_text("utf-8")
    uri = open_document(client, main)
    line = position(text, "MainAgent.run").line
    only_line = types.Range(
        start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0)
    )
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc(uri), range=only_line)
    )
    assert hints and {h.position.line for h in hints} == {line}
    assert any(isinstance(h.tooltip, types.MarkupContent) and "MainAgent" in h.tooltip.value for h in hints)


# --- code actions -----------------------------------------------------------------------------


async def test_code_actions_offer_the_rules_fixes_at_utf16_positions(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    where = span_range(CJK, "Writr")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri), range=where, context=types.CodeActionContext(diagnostics=[])
        )
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    change = by_title["Change to 'Writer'"]
    assert change.kind == types.CodeActionKind.QuickFix
    assert change.diagnostics and change.diagnostics[0].code == "E001"
    assert change.edit is not None and change.edit.changes is not None
    assert list(change.edit.changes[uri]) == [types.TextEdit(range=where, new_text="Writer")]
    assert "Declare agent 'Writr'" in by_title


async def test_fix_all_applies_every_safe_fix_and_no_unsafe_one(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    assert actions is not None
    (fix_all,) = actions
    assert isinstance(fix_all, types.CodeAction) and fix_all.kind == types.CodeActionKind.SourceFixAll
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    assert list(fix_all.edit.changes[uri]) == [
        types.TextEdit(range=span_range(CJK, '"true"'), new_text="true"),
        types.TextEdit(
            range=span_range(CJK, '"DeepSeek/deepseek-chat"'), new_text='"deepseek/deepseek-chat"'
        ),
    ]
    assert sorted(d.code for d in fix_all.diagnostics or []) == ["E005", "W003"]


async def test_code_actions_follow_an_edit_made_after_the_check(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    await client.published_for(uri, 1, accept=lambda items: any(d.code == "E001" for d in items))
    # a line of Chinese text above moves the misspelt name down by one line
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
                    ),
                    text="// 注释 🌙\n",
                )
            ],
        )
    )
    edited = "// 注释 🌙\n" + CJK
    where = span_range(edited, "Writr")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=where,
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.QuickFix]),
        )
    )
    change = next(a for a in actions or [] if a.title == "Change to 'Writer'")
    assert isinstance(change, types.CodeAction) and change.edit and change.edit.changes
    assert change.edit.changes[uri][0].range == where


# --- rename -----------------------------------------------------------------------------------


async def test_rename_across_an_included_file_uses_document_changes(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    main, library = copy_corpus(corpus_dir, tmp_path, "v0.1/07_modules_and_secrets.nx", "v0.1/utils.nxlib")
    main_text, library_text = main.read_text("utf-8"), library.read_text("utf-8")
    uri = open_document(client, main)
    at = position(main_text, "LibAgent.run", shift=3)
    prepared = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc(uri), position=at)
    )
    assert isinstance(prepared, types.PrepareRenamePlaceholder)
    assert prepared.placeholder == "LibAgent" and prepared.range == span_range(main_text, "LibAgent")

    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=at, new_name="HelperAgent")
    )
    assert edit is not None and edit.changes is None and edit.document_changes is not None
    by_uri = {
        change.text_document.uri: change
        for change in edit.document_changes
        if isinstance(change, types.TextDocumentEdit)
    }
    assert set(by_uri) == {uri, library.as_uri()}
    assert by_uri[uri].text_document.version == 1  # open: its version
    assert by_uri[library.as_uri()].text_document.version is None  # on disk only
    assert [e.range for e in by_uri[uri].edits] == [span_range(main_text, "LibAgent")]
    assert [e.range for e in by_uri[library.as_uri()].edits] == [span_range(library_text, "LibAgent")]
    assert {e.new_text for change in by_uri.values() for e in change.edits} == {"HelperAgent"}


async def test_rename_sends_changes_when_the_client_has_no_document_changes(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, document_changes=False)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=position(CJK, "poem ="), new_name="verse")
    )
    assert edit is not None and edit.document_changes is None and edit.changes is not None
    assert sorted((e.range.start.line, e.range.start.character) for e in edit.changes[uri]) == [
        as_tuple(position(CJK, "poem =")),
        as_tuple(position(CJK, "poem));")),  # after `print(Writr.run(` on the same line
    ]
    assert all(e.new_text == "verse" for e in edit.changes[uri])


@pytest.mark.parametrize(
    ("needle", "new_name", "message"),
    [
        ("flow main", "x", "'flow' is a keyword"),
        ("Writr", "Writer2", "'Writr' is not declared anywhere in the program"),
        ('greet("世界', "agent", "'agent' is a reserved word"),
        ('greet("世界', "main", "'main' is already declared in this program"),
    ],
)
async def test_refused_renames_answer_an_error_with_the_reason(
    client: RecordingClient, tmp_path: Path, needle: str, new_name: str, message: str
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    with pytest.raises(JsonRpcException) as raised:
        await client.text_document_rename_async(
            types.RenameParams(
                text_document=doc(uri), position=position(CJK, needle, shift=1), new_name=new_name
            )
        )
    assert raised.value.code == types.LSPErrorCodes.RequestFailed
    assert message in raised.value.message


async def test_prepare_rename_refuses_a_keyword_with_its_reason(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    with pytest.raises(JsonRpcException) as raised:
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(uri), position=position(CJK, "flow main", shift=2))
        )
    assert "'flow' is a keyword" in raised.value.message


# --- symbols ----------------------------------------------------------------------------------


async def test_document_symbols_are_a_tree_with_utf16_ranges_on_a_chinese_corpus_program(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    (path,) = copy_corpus(corpus_dir, tmp_path, "v1.2/test_include_module.nx")
    text = path.read_text("utf-8")
    uri = open_document(client, path)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc(uri))
    )
    assert symbols and all(isinstance(s, types.DocumentSymbol) for s in symbols)
    by_name = {s.name: s for s in symbols if isinstance(s, types.DocumentSymbol)}
    assert by_name["Include3_Result"].kind == types.SymbolKind.Interface
    handler = by_name["Include3_Handler"]
    assert handler.kind == types.SymbolKind.Class
    assert handler.selection_range == span_range(text, "Include3_Handler")
    (prompt,) = [c for c in handler.children or [] if c.name == "prompt"]
    assert prompt.kind == types.SymbolKind.Property
    assert prompt.selection_range.start == position(
        text, "prompt", nth=text[: text.index("Include3_Handler")].count("prompt")
    )
    assert by_name["main"].kind == types.SymbolKind.Function
    assert contains(by_name["main"].range, span_range(text, "result9 ="))


async def test_workspace_symbols_find_declarations_of_indexed_files(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    _, library = copy_corpus(corpus_dir, tmp_path, "v0.1/07_modules_and_secrets.nx", "v0.1/utils.nxlib")
    await start(client, tmp_path)
    # (a WorkspaceSymbol with a location reads the same as a SymbolInformation)
    found: list[types.WorkspaceSymbol | types.SymbolInformation] = []
    for _ in range(200):  # the index is built after `initialized`
        answer = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="libag"))
        found = list(answer or [])
        if found:
            break
        await asyncio.sleep(0.05)
    assert [s.name for s in found] == ["LibAgent"]
    (symbol,) = found
    assert symbol.kind == types.SymbolKind.Class
    assert isinstance(symbol.location, types.Location)
    assert symbol.location.uri == library.as_uri()
    assert symbol.location.range == span_range(library.read_text("utf-8"), "LibAgent")


# --- semantic tokens --------------------------------------------------------------------------


async def test_semantic_tokens_count_utf16_columns_after_chinese_text_and_emoji(
    client: RecordingClient, tmp_path: Path
) -> None:
    legend = (await start(client, tmp_path)).capabilities.semantic_tokens_provider.legend  # type: ignore[union-attr]
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    answer = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))
    )
    assert answer is not None and answer.result_id
    tokens = decode_tokens(answer.data, legend)
    stage = position(CJK, "Writer;")
    (writer,) = [t for t in tokens if (t[0], t[1]) == as_tuple(stage)]
    assert writer[2:4] == (6, "class")
    declared = [t for t in tokens if (t[0], t[1]) == as_tuple(position(CJK, "Writer"))]
    assert declared and "declaration" in declared[0][4]
    greeting = position(CJK, "greeting}")  # inside the string's interpolation
    assert any((t[0], t[1], t[2]) == (*as_tuple(greeting), 8) for t in tokens)


async def test_semantic_tokens_range_keeps_only_the_requested_lines(
    client: RecordingClient, tmp_path: Path
) -> None:
    legend = (await start(client, tmp_path)).capabilities.semantic_tokens_provider.legend  # type: ignore[union-attr]
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    line = position(CJK, "poem = ").line
    answer = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=doc(uri),
            range=types.Range(
                start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0)
            ),
        )
    )
    assert answer is not None
    tokens = decode_tokens(answer.data, legend)
    assert tokens and {t[0] for t in tokens} == {line}
    assert (as_tuple(position(CJK, "Writer;")), "class") in [((t[0], t[1]), t[3]) for t in tokens]


async def test_semantic_tokens_delta_turns_the_previous_answer_into_the_current_one(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    first = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))
    )
    assert first is not None and first.result_id
    at = position(CJK, "    print(Writr")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=at, end=at), text='    note = "新的 🌟" >> Writer;\n'
                )
            ],
        )
    )
    delta = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=doc(uri), previous_result_id=first.result_id)
    )
    assert isinstance(delta, types.SemanticTokensDelta) and delta.result_id not in (None, first.result_id)
    assert len(delta.edits) == 1
    full = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))
    )
    assert full is not None
    assert apply_token_edits(list(first.data), list(delta.edits)) == list(full.data)
    unknown = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=doc(uri), previous_result_id="no-such-id")
    )
    assert isinstance(unknown, types.SemanticTokens) and list(unknown.data) == list(full.data)


# --- folding and selection ranges -------------------------------------------------------------


async def test_folding_ranges_end_on_the_line_before_the_closing_brace(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    (path,) = copy_corpus(corpus_dir, tmp_path, "v1.2/test_include_module.nx")
    text = path.read_text("utf-8")
    lines = text.splitlines()
    uri = open_document(client, path)
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc(uri)))
    assert folds is not None
    spans = {(f.start_line, f.end_line): f.kind for f in folds}
    agent = position(text, "agent Include3_Handler").line
    closing = next(n for n in range(agent, len(lines)) if lines[n] == "}")
    assert (agent, closing - 1) in spans
    main = position(text, "flow main").line
    main_end = next(n for n in range(len(lines) - 1, main, -1) if lines[n].startswith("}"))
    assert (main, main_end - 1) in spans
    assert spans.get((0, 1)) == types.FoldingRangeKind.Comment  # the two comment lines at the top
    assert all(f.end_line > f.start_line for f in folds)


async def test_selection_ranges_grow_from_the_name_to_the_file_on_a_cjk_line(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    inside = position(CJK, "Writer;", shift=2)
    answer = await client.text_document_selection_range_async(
        types.SelectionRangeParams(
            text_document=doc(uri), positions=[inside, position(CJK, '世界🌍", "你好")', shift=1)]
        )
    )
    assert answer is not None and len(answer) == 2
    chain = []
    node: types.SelectionRange | None = answer[0]
    while node is not None:
        chain.append(node.range)
        node = node.parent
    assert chain[0] == types.Range(start=position(CJK, "Writer;"), end=position(CJK, "Writer;", shift=6))
    assert all(
        contains(outer, inner) and outer != inner for inner, outer in zip(chain, chain[1:], strict=False)
    )
    last_line = CJK.count("\n")
    assert chain[-1] == types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=last_line, character=0)
    )
    second = answer[1].range
    assert second.start.line == position(CJK, 'greet("世界').line


# --- prompt preview ---------------------------------------------------------------------------


async def test_prompt_preview_command_answers_the_calls_prompt_as_markdown(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    main, _ = copy_corpus(corpus_dir, tmp_path, "v0.1/07_modules_and_secrets.nx", "v0.1/utils.nxlib")
    text = main.read_text("utf-8")
    uri = open_document(client, main)
    at = position(text, "MainAgent.run", shift=2)
    markdown = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="nexa.promptPreview", arguments=[uri, {"line": at.line, "character": at.character}]
        )
    )
    assert isinstance(markdown, str)
    assert "**Prompt of `MainAgent`**" in markdown
    assert "You are the main agent." in markdown and "Print this secret key" in markdown
    nothing = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="nexa.promptPreview", arguments=[uri, {"line": 0, "character": 0}])
    )
    assert nothing is None


async def test_hover_on_an_agent_stage_shows_its_prompt_preview_with_cjk_text(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    uri = open_document(client, write(tmp_path, "cjk.nx", CJK))
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position(CJK, "Writer;", shift=3))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "agent Writer" in hover.contents.value  # the hover itself
    assert "**Prompt of `Writer`**" in hover.contents.value
    assert "写一首诗 🌸" in hover.contents.value and "春天 🌸" in hover.contents.value
    assert hover.range == types.Range(start=position(CJK, "Writer;"), end=position(CJK, "Writer;", shift=6))
    plain = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position(CJK, "greet(name", shift=2))
    )
    assert plain is not None and isinstance(plain.contents, types.MarkupContent)
    assert "Prompt of" not in plain.contents.value


# --- completion -------------------------------------------------------------------------------


async def test_completion_sends_the_items_matching_the_typed_word_and_documents_them_on_resolve(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    text = CJK.replace("    print(Writr.run(poem));\n", '    again = "夏天 ☀️" >> Wri\n')
    uri = open_document(client, write(tmp_path, "cjk.nx", text))
    at = position(text, ">> Wri\n", shift=len(">> Wri"))
    answer = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=at)
    )
    assert isinstance(answer, types.CompletionList)
    assert answer.is_incomplete  # filtered: the editor asks again when the word changes
    labels = [item.label for item in answer.items]
    assert "Writer" in labels and "greet" not in labels
    (writer,) = [item for item in answer.items if item.label == "Writer"]
    assert writer.documentation is None  # built only on resolve
    assert writer.text_edit is not None and isinstance(writer.text_edit, types.TextEdit)
    assert writer.text_edit.range == types.Range(start=position(text, "Wri\n"), end=at)
    resolved = await client.completion_item_resolve_async(writer)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "agent Writer" in resolved.documentation.value and "写一首诗 🌸" in resolved.documentation.value


async def test_completion_inside_an_interpolation_after_emoji_replaces_the_typed_name(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    text = CJK.replace("    print(Writr.run(poem));\n", '    print("诗 🌸 #{po}");\n')
    uri = open_document(client, write(tmp_path, "interp.nx", text))
    at = position(text, "#{po}", shift=len("#{po"))
    answer = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=at)
    )
    assert isinstance(answer, types.CompletionList)
    (poem,) = [item for item in answer.items if item.label == "poem"]
    assert "print" not in [item.label for item in answer.items]
    assert isinstance(poem.text_edit, types.TextEdit)
    assert poem.text_edit.range == types.Range(start=position(text, "po}"), end=at)


async def test_definition_of_a_struct_field_through_a_value_after_emoji(
    client: RecordingClient, tmp_path: Path
) -> None:
    await start(client, tmp_path)
    text = (
        'struct Point { x: int, label: str }\nflow main {\n    p = Point(x: 1)\n    print("点 🌸", p.x)\n}\n'
    )
    uri = open_document(client, write(tmp_path, "field.nx", text))
    answer = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=position(text, "p.x", shift=2))
    )
    assert isinstance(answer, list) and len(answer) == 1
    assert answer[0].range == span_range(text, "x")
