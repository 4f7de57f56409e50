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


# --- type definition across an include -------------------------------------------------------

TYPED_LIBRARY = """struct Point { x: int, y: int }

flow scale(p: Point, k: int) -> Point {
    return Point(x: p.x * k, y: p.y * k)
}
"""

TYPED_ROOT = """include "形.nxlib"

flow main {
    let start = Point(x: 1, y: 2)
    let big = scale(start, 3)
    let n = 4
    print(big.x, n)
}
"""


async def test_type_definition_of_values_goes_to_the_struct_in_the_included_library(
    client: RecordingClient, tmp_path: Path
) -> None:
    result = await start(client, tmp_path)
    assert result.capabilities.type_definition_provider
    write(tmp_path, "形.nxlib", TYPED_LIBRARY)
    uri = open_document(client, write(tmp_path, "main.nx", TYPED_ROOT))
    library_uri = (tmp_path / "形.nxlib").as_uri()
    point = (library_uri, 0, 7)

    async def lands(needle: str) -> list[tuple[str, int, int]]:
        found = await client.text_document_type_definition_async(
            types.TypeDefinitionParams(text_document=doc(uri), position=position(TYPED_ROOT, needle))
        )
        assert isinstance(found, list | type(None))
        return [(f.uri, f.range.start.line, f.range.start.character) for f in found or []]

    assert await lands("big.x") == [point]  # the flow's declared result (L§3.5)
    assert await lands("big =") == [point]  # the binding itself
    assert await lands("start, 3") == [point]  # built from the struct (L§3.9)
    assert await lands("n)") == []  # near miss: an int has no declaration


# --- document links for include paths --------------------------------------------------------


async def test_include_paths_are_document_links_to_the_included_file(
    client: RecordingClient, tmp_path: Path
) -> None:
    result = await start(client, tmp_path)
    assert result.capabilities.document_link_provider is not None
    (tmp_path / "共享").mkdir()
    write(tmp_path / "共享", "lib.nxlib", "flow helper() {\n    return 1\n}\n")
    text = 'include "共享/lib.nxlib"\ninclude "missing.nxlib"\n\nflow main {\n    print(helper())\n}\n'
    uri = open_document(client, write(tmp_path, "main.nx", text))
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc(uri)))
    assert links is not None
    # the path without its quotes, in UTF-16 columns; the missing file gets no link (W006 says so)
    assert [(link.range.start.character, link.range.end.character, link.target) for link in links] == [
        (9, 21, (tmp_path / "共享" / "lib.nxlib").as_uri())
    ]
