"""Editor features on WASM tool declarations (S§5.2): completion of the limit keys in a tool body,
hover on them, and the checker's W006 (missing module), E010 (limit out of range) and W007
(unknown key)."""

from pathlib import Path

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.checker import check_text
from nexa_lang.completion import CompletionKind, Completions, complete
from nexa_lang.hover import hover
from nexa_lang.model import Workspace

CURSOR = "‸"
LIMIT_KEYS = {
    "max_memory_pages",
    "max_table_elements",
    "max_cpu_time_ms",
    "max_output_bytes",
    "allowed_paths",
    "writable_paths",
    "network",
}


def _at_cursor(text: str) -> tuple[Analysis, int]:
    before, after = text.split(CURSOR)
    workspace = Workspace()
    file = workspace.set_text("/virtual/main.nx", before + after)
    return analyze(workspace, file), len(before.encode("utf-8"))


def completions(text: str) -> Completions:
    return complete(*_at_cursor(text))


# ---- completion


def test_a_wasm_tool_body_offers_the_limit_keys():
    labels = set(completions('tool wc {\n    wasm: "wc.wasm",\n    ‸\n}\n').labels())
    assert LIMIT_KEYS | {"description", "parameters"} <= labels
    assert not {"wasm", "mcp", "python"} & labels  # one source key per tool


def test_a_limit_key_item_has_a_snippet_with_its_default_and_the_spec_row():
    item = completions('tool wc {\n    wasm: "wc.wasm",\n    ‸\n}\n').item("max_cpu_time_ms")
    assert item is not None and item.kind is CompletionKind.PROPERTY
    assert item.insert_text == "max_cpu_time_ms: ${1:5000}" and item.is_snippet
    assert "WASM CPU time limit" in item.documentation and "S§5.2" in item.documentation
    paths = completions('tool wc {\n    wasm: "wc.wasm",\n    ‸\n}\n').item("allowed_paths")
    assert paths is not None and paths.insert_text == "allowed_paths: [$1]"


def test_a_half_typed_key_in_an_unclosed_tool_body_replaces_the_word():
    text = 'tool wc {\n    wasm: "wc.wasm",\n    max_‸'
    found = completions(text)
    assert LIMIT_KEYS <= set(found.labels())
    start = text.index("max_")
    assert found.replace == (start, start + len("max_"))


def test_keys_already_written_are_left_out_but_the_one_under_the_cursor_stays():
    labels = completions('tool wc {\n    wasm: "wc.wasm", max_cpu_time_ms: 10,\n    ‸\n}\n').labels()
    assert "max_cpu_time_ms" not in labels and "max_memory_pages" in labels
    under = completions('tool wc {\n    wasm: "wc.wasm",\n    max_cpu‸_time_ms: 10\n}\n').labels()
    assert "max_cpu_time_ms" in under


def test_an_mcp_tool_body_offers_no_wasm_limits():
    labels = set(completions('tool search {\n    mcp: "https://example.org/mcp",\n    ‸\n}\n').labels())
    assert labels == {"description"}


def test_a_tool_value_is_not_a_key_slot():
    labels = completions('tool wc {\n    wasm: "wc.wasm", max_cpu_time_ms: ‸\n}\n').labels()
    assert "max_memory_pages" not in labels


def test_agent_bodies_still_offer_agent_properties():
    labels = completions("agent A {\n    ‸\n}\n").labels()
    assert "model" in labels and "max_cpu_time_ms" not in labels


# ---- hover


def test_hover_on_a_limit_key_shows_its_meaning_range_and_default():
    found = hover(*_at_cursor('tool wc {\n    wasm: "wc.wasm",\n    max_mem‸ory_pages: 32\n}\n'))
    assert found is not None
    assert "**max_memory_pages** (tool key)" in found.markdown
    assert "from 1 to 65536" in found.markdown and "default `256`" in found.markdown


def test_hover_on_the_network_key_says_it_must_stay_false():
    found = hover(*_at_cursor('tool wc {\n    wasm: "wc.wasm",\n    netw‸ork: false\n}\n'))
    assert found is not None and "must stay false" in found.markdown


# ---- diagnostics


def test_w006_a_missing_wasm_module(tmp_path: Path):
    root = tmp_path / "main.nx"
    text = 'tool wc { wasm: "tools/wc.wasm", description: "Count words", parameters: {"text": "string"} }\n'
    root.write_text(text)
    diags = check_text(text, str(root), codes=["W006"])
    assert [(d.code, d.span.start) for d in diags] == [("W006", text.index('"tools/wc.wasm"'))]
    assert "tools/wc.wasm" in diags[0].message


def test_w006_not_reported_when_the_module_exists(tmp_path: Path):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "wc.wasm").write_bytes(b"\0asm\1\0\0\0")
    root = tmp_path / "main.nx"
    text = 'tool wc { wasm: "tools/wc.wasm", description: "Count words" }\n'
    root.write_text(text)
    assert check_text(text, str(root), codes=["W006"]) == []


def test_e010_a_limit_out_of_range():
    text = 'tool wc { wasm: "wc.wasm", description: "d", max_cpu_time_ms: 0, max_memory_pages: 64 }\n'
    diags = check_text(text, codes=["E010"])
    assert [(d.code, d.span.start) for d in diags] == [("E010", text.index("0,"))]
    assert "'max_cpu_time_ms'" in diags[0].message and "found 0" in diags[0].message


def test_w007_an_unknown_key_on_a_wasm_tool_suggests_the_limit():
    text = 'tool wc { wasm: "wc.wasm", description: "d", max_cpu_tme_ms: 100 }\n'
    diags = check_text(text, codes=["W007"])
    assert [(d.code, d.span.start) for d in diags] == [("W007", text.index("max_cpu_tme_ms"))]
    assert "did you mean 'max_cpu_time_ms'?" in diags[0].message
