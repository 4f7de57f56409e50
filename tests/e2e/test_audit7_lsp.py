"""Audit 7 (ed): the language server as an editor drives it on a root that includes a library.

Each test names the LSP request and the spec section it checks; near misses sit beside the fix."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from .conftest import RecordingClient, open_document
from .test_lsp_features import as_tuple, decode_tokens, doc, position, start, write

LIBRARY = """struct Point { x: int, y: int }

agent Helper {
    prompt: "Help."
    flow assist(q) {
        return self.run(q) + self.name
    }
}

job Nightly on "default" {
    perform(n) {
        print(n)
    }
}
"""

ROOT = """include "lib.nxlib"

flow main {
    let a = Helper.run("春天 🌸")
    let b = Helper.clone("H2")
    Nightly.enqueue({"n": 1})
    try {
        raise ToolError("boom")
    } catch (ToolError e) {
        print("错误 🌸", e.message, e.code)
    }
    let r = {"message": 1}
    print(r.message, a, b)
}
"""


# --- semantic tokens of built-in members ---------------------------------------------------


async def test_built_in_members_of_agents_jobs_and_errors_get_semantic_tokens(
    client: RecordingClient, tmp_path: Path
) -> None:
    legend = (await start(client, tmp_path)).capabilities.semantic_tokens_provider.legend  # type: ignore[union-attr]
    write(tmp_path, "lib.nxlib", LIBRARY)
    uri = open_document(client, write(tmp_path, "main.nx", ROOT))
    answer = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))
    )
    assert answer is not None
    tokens = {(t[0], t[1]): t[2:] for t in decode_tokens(answer.data, legend)}
    library = {"defaultLibrary"}
    assert tokens[as_tuple(position(ROOT, "run("))] == (3, "method", library)  # S§1.4
    assert tokens[as_tuple(position(ROOT, "clone("))] == (5, "method", library)
    assert tokens[as_tuple(position(ROOT, "enqueue("))] == (7, "method", library)  # S§1.10
    field = {"defaultLibrary", "readonly"}
    # after Chinese text and an emoji on the same line: UTF-16 columns (L§7.7.1, S§0.2)
    assert tokens[as_tuple(position(ROOT, "message,"))] == (7, "property", field)
    assert tokens[as_tuple(position(ROOT, "code)"))] == (4, "property", field)
    # near miss: a dict's key read as a member is not an error field
    assert as_tuple(position(ROOT, "message, a")) not in tokens


async def test_self_members_inside_a_library_agent_flow_get_tokens(
    client: RecordingClient, tmp_path: Path
) -> None:
    legend = (await start(client, tmp_path)).capabilities.semantic_tokens_provider.legend  # type: ignore[union-attr]
    uri = open_document(client, write(tmp_path, "lib.nxlib", LIBRARY))
    answer = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc(uri))
    )
    assert answer is not None
    tokens = {(t[0], t[1]): t[2:] for t in decode_tokens(answer.data, legend)}
    assert tokens[as_tuple(position(LIBRARY, "run(q"))] == (3, "method", {"defaultLibrary"})
    assert tokens[as_tuple(position(LIBRARY, "name\n"))] == (4, "property", {"defaultLibrary", "readonly"})
    # near miss: the agent's own flow member keeps its declaration token
    assert tokens[as_tuple(position(LIBRARY, "assist"))] == (6, "method", {"declaration"})
