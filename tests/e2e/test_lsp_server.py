"""The real `nexa-lsp` process: initialize and capabilities, the workspace index with progress and the
file watcher, `nexa/dag` on corpus flows, code lenses, a failing handler, TCP, and `--dag` on the
command line."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.client import LanguageClient as PyglsClient

from nexa_lang.dag import build_flow_graph
from nexa_lang.model import Workspace
from nexa_lang.positions import Unit
from nexa_lsp.ranges import Ranges

from .conftest import NEXA_LSP, RecordingClient, capabilities, initialize, open_document, server_config

DAG_FLOWS = {
    "v1.0/15_dag_topology.nx": {"fork", "merge", "branch"},
    "v1.2/test_dag_operators.nx": {"fork", "merge", "branch", "consensus", "fire_and_forget"},
    "v1.2/test_match_intent.nx": {"intent_match"},
}


def expected_graph(path: Path, flow: str | None = None, unit: Unit = Unit.UTF16) -> dict[str, object]:
    """What `nexa/dag` must answer: the front-end's graph with LSP ranges, computed in-process."""
    workspace = Workspace()
    program = workspace.program(workspace.set_text(str(path), path.read_text("utf-8")))
    graph = build_flow_graph(program, flow)
    return graph.to_dict(
        lambda file, span: Ranges(file.lines, unit).range_dict(span),
        lambda file: Path(file.path).as_uri() if file.path else None,
    )


async def dag(client: RecordingClient, uri: str, flow: str | None = None) -> dict[str, object]:
    params: dict[str, object] = {"textDocument": {"uri": uri}}
    if flow is not None:
        params["flow"] = flow
    return await client.protocol.send_request_async("nexa/dag", params)


def as_plain(value: Any) -> Any:
    """A result as plain JSON values (pygls hands custom results back as nested namedtuples)."""
    if hasattr(value, "_asdict"):
        return {key: as_plain(item) for key, item in value._asdict().items()}
    if isinstance(value, dict):
        return {key: as_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_plain(item) for item in value]
    return value


# --- initialize -------------------------------------------------------------------------------


async def test_initialize_advertises_the_core_features_with_utf16_by_default(
    client: RecordingClient, tmp_path: Path
) -> None:
    result = await initialize(client, tmp_path)
    capabilities = result.capabilities
    assert capabilities.position_encoding == "utf-16"
    assert isinstance(capabilities.text_document_sync, types.TextDocumentSyncOptions)
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert capabilities.diagnostic_provider is not None
    assert capabilities.diagnostic_provider.identifier == "nexa"
    assert capabilities.code_lens_provider is not None
    assert result.server_info is not None and result.server_info.name == "nexa-lsp"


async def test_utf8_is_chosen_only_when_the_client_offers_it(client: RecordingClient, tmp_path: Path) -> None:
    result = await initialize(client, tmp_path, encodings=["utf-32", "utf-16"])
    assert result.capabilities.position_encoding == "utf-16"


async def test_initialized_indexes_the_workspace_with_progress_and_watches_files(
    client: RecordingClient, tmp_path: Path
) -> None:
    for number in range(25):
        (tmp_path / f"p{number}.nx").write_text(f"flow f{number} {{ print({number}); }}\n", "utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "agents.nxlib").write_text('agent A { prompt: "x" }\n', "utf-8")
    await initialize(client, tmp_path)

    for _ in range(200):
        reports = [r for values in client.progress_reports.values() for r in values]
        if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports) and client.registrations:
            break
        await asyncio.sleep(0.05)
    kinds = [type(r).__name__ for r in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert "WorkDoneProgressReport" in kinds
    assert reports[-1].message == "indexed 26 file(s)"
    (registration,) = client.registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    patterns = {w["globPattern"] for w in registration.register_options["watchers"]}
    assert {"**/*.nx", "**/*.nxlib", "**/nexa.toml"} <= patterns


# --- nexa/dag ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DAG_FLOWS))
async def test_nexa_dag_answers_the_front_ends_graph(
    client: RecordingClient, corpus_dir: Path, tmp_path: Path, name: str
) -> None:
    await initialize(client, tmp_path)
    path = tmp_path / Path(name).name
    path.write_text((corpus_dir / name).read_text("utf-8"), "utf-8")
    uri = open_document(client, path)

    result = as_plain(await dag(client, uri))

    assert result == expected_graph(path)
    assert DAG_FLOWS[name] <= {node["kind"] for node in result["nodes"]}
    assert result["flow"] == "main"


async def test_nexa_dag_ranges_follow_the_negotiated_encoding(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path, encodings=["utf-8"])
    path = tmp_path / "cjk.nx"
    path.write_text(
        'agent 作者A { prompt: "写" }\nflow main { r = "你好🙂" >> A; }\n'.replace("作者A", "A"), "utf-8"
    )
    uri = open_document(client, path)
    assert as_plain(await dag(client, uri)) == expected_graph(path, unit=Unit.UTF8)


async def test_nexa_dag_of_a_named_flow_and_nodes_of_included_files(
    client: RecordingClient, tmp_path: Path
) -> None:
    (tmp_path / "flows.nxlib").write_text(
        'agent Helper { prompt: "help" }\nflow assist(q: str) { r = q >> Helper; print(r); }\n', "utf-8"
    )
    main = tmp_path / "main.nx"
    main.write_text('include "flows.nxlib";\nflow main { assist("x"); }\n', "utf-8")
    await initialize(client, tmp_path)
    uri = open_document(client, main)

    result = as_plain(await dag(client, uri, "assist"))

    assert result["flow"] == "assist" and result["flows"] == ["main", "assist"]
    assert {node["uri"] for node in result["nodes"]} == {(tmp_path / "flows.nxlib").as_uri()}
    assert result == expected_graph(main, "assist")


async def test_nexa_dag_of_an_unknown_flow_is_invalid_params(client: RecordingClient, tmp_path: Path) -> None:
    await initialize(client, tmp_path)
    uri = open_document(client, tmp_path / "a.nx", "flow main { print(1); }\nflow other { }\n")
    with pytest.raises(JsonRpcInvalidParams, match="unknown flow 'nope'.*main, other"):
        await dag(client, uri, "nope")
    assert as_plain(await dag(client, uri))["flows"] == ["main", "other"]


# --- code lenses ------------------------------------------------------------------------------


async def test_each_flow_gets_run_debug_and_show_dag_lenses(client: RecordingClient, tmp_path: Path) -> None:
    await initialize(client, tmp_path)
    text = 'agent A { prompt: "x" }\n\nflow main { print(1); }\nflow report(x: str) { print(x); }\n'
    uri = open_document(client, tmp_path / "a.nx", text)

    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )

    assert [(lens.range.start.line, lens.command.title, lens.command.command) for lens in lenses] == [
        (2, "Run", "nexa.runFlow"),
        (2, "Debug", "nexa.debugFlow"),
        (2, "Show DAG", "nexa.showDag"),
        (3, "Run", "nexa.runFlow"),
        (3, "Debug", "nexa.debugFlow"),
        (3, "Show DAG", "nexa.showDag"),
    ]
    assert [list(lens.command.arguments) for lens in lenses[::3]] == [[uri, "main"], [uri, "report"]]


# --- robustness -------------------------------------------------------------------------------


@pytest_lsp.fixture(config=server_config(NEXA_LSP_FAIL_ON="textDocument/codeLens"))
async def failing_client(lsp_client: RecordingClient) -> object:
    yield
    await lsp_client.shutdown_session()


async def test_a_failing_handler_answers_an_error_and_the_server_keeps_serving(
    failing_client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(failing_client, tmp_path)
    uri = open_document(failing_client, tmp_path / "a.nx", "flow main { print(nope); }\n")
    with pytest.raises(JsonRpcInternalError):
        await failing_client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
    assert as_plain(await dag(failing_client, uri))["flow"] == "main"
    assert [d.code for d in await failing_client.published_for(uri, 1, bool)] == ["E001"]


async def test_a_request_for_a_document_that_is_not_open_is_an_error(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    with pytest.raises(JsonRpcException):
        await dag(client, (tmp_path / "missing.nx").as_uri())
    uri = open_document(client, tmp_path / "a.nx", "flow main { }\n")
    assert as_plain(await dag(client, uri))["flow"] == "main"


async def test_a_cancelled_pull_is_answered_and_later_requests_are_served(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    uri = open_document(client, tmp_path / "a.nx", "flow main { print(nope); }\n")
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    future = client.protocol.send_request(types.TEXT_DOCUMENT_DIAGNOSTIC, params, msg_id="to-cancel")
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="to-cancel"))
    try:
        await asyncio.wait_for(asyncio.wrap_future(future), 30)
    except JsonRpcException as error:
        assert "cancel" in str(error).lower()
    report = await client.text_document_diagnostic_async(params)
    assert [d.code for d in report.items] == ["E001"]


# --- TCP --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_tcp_serves_one_client(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen([NEXA_LSP, "--tcp", f"127.0.0.1:{port}"], stderr=subprocess.PIPE)
    client = PyglsClient("tcp-test", "1")
    try:
        for _ in range(100):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        result = await client.initialize_async(
            types.InitializeParams(capabilities=capabilities(), root_uri=tmp_path.as_uri())
        )
        assert result.capabilities.position_encoding == "utf-16"
        client.initialized(types.InitializedParams())
        uri = (tmp_path / "a.nx").as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="nexa", version=1, text="flow main { }\n"
                )
            )
        )
        answer = await client.protocol.send_request_async("nexa/dag", {"textDocument": {"uri": uri}})
        assert as_plain(answer)["flow"] == "main"
        await client.shutdown_async(None)
        client.exit(None)
        assert await asyncio.to_thread(server.wait, 30) == 0
    finally:
        await client.stop()
        if server.poll() is None:
            server.kill()


# --- nexa-lsp --dag ---------------------------------------------------------------------------


def run_dag(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [NEXA_LSP, "--dag", *arguments], capture_output=True, text=True, env=env, timeout=60
    )


def test_dag_cli_json_is_the_nexa_dag_answer(corpus_dir: Path) -> None:
    path = corpus_dir / "v1.2" / "test_dag_operators.nx"
    done = run_dag(str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_graph(path)


def test_dag_cli_mermaid_draws_every_node_and_edge(corpus_dir: Path) -> None:
    path = corpus_dir / "v1.0" / "15_dag_topology.nx"
    graph = expected_graph(path)
    done = run_dag(str(path), "--output-format", "mermaid")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "flowchart TD" in lines
    assert sum(1 for line in lines if "-->" in line) == len(graph["edges"])
    assert {f"    {node['id']}" for node in graph["nodes"]} <= {
        line.split("[")[0].split("{")[0].split("(")[0] for line in lines
    }


def test_dag_cli_dot_names_the_flow_and_labels_intent_routes(corpus_dir: Path) -> None:
    path = corpus_dir / "v1.2" / "test_match_intent.nx"
    graph = expected_graph(path)
    done = run_dag(str(path), "--output-format", "dot")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('digraph "main" {')
    assert done.stdout.count(" -> ") == len(graph["edges"])
    assert "shape=diamond" in done.stdout


def test_dag_cli_unknown_flow_exits_2(corpus_dir: Path) -> None:
    done = run_dag(str(corpus_dir / "v1.0" / "15_dag_topology.nx"), "--flow", "nope")
    assert done.returncode == 2
    assert "unknown flow 'nope'" in done.stderr


def test_dag_cli_rejects_check_formats() -> None:
    done = run_dag("x.nx", "--output-format", "sarif")
    assert done.returncode == 2
    assert sys.executable  # the venv's nexa-lsp ran


# --- editor features through their thin handlers ----------------------------------------------


async def test_completion_hover_and_definition_are_served(client: RecordingClient, tmp_path: Path) -> None:
    await initialize(client, tmp_path)
    text = 'agent Writer { prompt: "写作🙂" }\nflow main { r = "q" >> Writer; print(r); }\n'
    uri = open_document(client, tmp_path / "a.nx", text)
    use = types.Position(line=1, character=text.splitlines()[1].index("Writer") + 2)
    document = types.TextDocumentIdentifier(uri=uri)

    completions = await client.text_document_completion_async(
        types.CompletionParams(text_document=document, position=use)
    )
    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=document, position=use)
    )
    hover = await client.text_document_hover_async(types.HoverParams(text_document=document, position=use))

    assert "Writer" in [item.label for item in completions.items]
    assert [(d.uri, d.range.start.line, d.range.start.character) for d in definition] == [(uri, 0, 6)]
    assert hover is not None and "Writer" in hover.contents.value


async def test_formatting_replaces_the_document_with_the_formatters_text(
    client: RecordingClient, tmp_path: Path
) -> None:
    from nexa_lang.formatter import format_source

    result = await initialize(client, tmp_path)
    assert result.capabilities.document_formatting_provider
    text = 'flow main {print("你好🙂");}\n'
    uri = open_document(client, tmp_path / "a.nx", text)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    (edit,) = edits
    assert edit.new_text == format_source(text)
    assert (edit.range.start.line, edit.range.start.character) == (0, 0)
    assert (edit.range.end.line, edit.range.end.character) == (1, 0)


async def test_range_formatting_edits_only_the_selected_lines_at_utf16_positions(
    client: RecordingClient, tmp_path: Path
) -> None:
    result = await initialize(client, tmp_path)
    assert result.capabilities.document_range_formatting_provider
    text = 'flow main {\nprint("你好🙂",1)\n  x =[1,2]\n}\n'
    uri = open_document(client, tmp_path / "r.nx", text)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=1, character=3), end=types.Position(line=2, character=0)
            ),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    (edit,) = edits
    assert edit.new_text == '    print("你好🙂", 1)\n'
    assert (edit.range.start.line, edit.range.start.character) == (1, 0)
    assert (edit.range.end.line, edit.range.end.character) == (2, 0)


async def test_formatting_follows_the_editors_options_and_is_quiet_on_syntax_errors(
    client: RecordingClient, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    uri = open_document(client, tmp_path / "t.nx", "flow main {\nif true {\nprint(1)\n}\n}\n")
    document = types.TextDocumentIdentifier(uri=uri)

    async def format_with(options: types.FormattingOptions) -> str:
        (edit,) = await client.text_document_formatting_async(
            types.DocumentFormattingParams(text_document=document, options=options)
        )
        return edit.new_text

    tabs = await format_with(types.FormattingOptions(tab_size=2, insert_spaces=False))
    assert tabs == "flow main {\n\tif true {\n\t\tprint(1)\n\t}\n}\n"
    two = await format_with(types.FormattingOptions(tab_size=2, insert_spaces=True))
    assert two == "flow main {\n  if true {\n    print(1)\n  }\n}\n"

    # Half-typed text: no edits and no error response (format-on-save must stay quiet).
    broken = open_document(client, tmp_path / "b.nx", "flow main {\n  x = (1 +\n}\n")
    spaces = types.FormattingOptions(tab_size=4, insert_spaces=True)
    whole = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=types.TextDocumentIdentifier(uri=broken), options=spaces)
    )
    lines = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=broken),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)
            ),
            options=spaces,
        )
    )
    assert whole is None and lines is None


def test_format_cli_formats_files_in_place(tmp_path: Path) -> None:
    from nexa_lang.formatter import format_source

    path = tmp_path / "a.nx"
    path.write_text("flow main {print(1);}\n", "utf-8")
    done = subprocess.run([NEXA_LSP, "--format", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert path.read_text("utf-8") == format_source("flow main {print(1);}\n")
