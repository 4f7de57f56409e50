"""Document and workspace symbols (nexa_lang.outline)."""

from __future__ import annotations

from pathlib import Path

from nexa_lang.model import SourceFile, Workspace
from nexa_lang.outline import DocumentSymbol, SymbolKind, document_symbols, match_score, workspace_symbols

SOURCE = """include "lib.nxlib"
protocol Report { title: "string", body: "string" }
@timeout(seconds=5)
agent Writer implements Report {
    prompt: "写一篇"
    model: "gpt-4o-mini"
    let banner = "hi"
    fn helper(a, b) { return a }
    flow go(topic) { return topic }
}
flow main(n: int, m) { print(n) }
struct Point { x: int, y: int }
enum Shape { Circle(r: float), Square }
trait Show { fn show() -> str }
impl Show for Point { fn show() -> str { return "p" } }
tool Search { description: "s" }
type Score = int
job Mail on "mail" { perform(to) { print(to) } }
server 8080 {
    route GET "/a" => main
    group "/admin" { route GET "/" => main }
}
test "加法" { assert 1 == 1 }
db store = connect("sqlite://:memory:")
counter = 0
"""


def outline(text: str) -> list[DocumentSymbol]:
    return document_symbols(SourceFile.from_text(text))


def shape(symbols: list[DocumentSymbol]) -> list[tuple[str, SymbolKind, list]]:
    return [(s.name, s.kind, shape(s.children)) for s in symbols]


def test_top_level_symbols_in_source_order_with_kinds():
    found = [(s.name, s.kind) for s in outline(SOURCE)]
    assert found == [
        ("lib.nxlib", SymbolKind.INCLUDE),
        ("Report", SymbolKind.PROTOCOL),
        ("Writer", SymbolKind.AGENT),
        ("main", SymbolKind.FLOW),
        ("Point", SymbolKind.STRUCT),
        ("Shape", SymbolKind.ENUM),
        ("Show", SymbolKind.TRAIT),
        ("impl Show for Point", SymbolKind.IMPL),
        ("Search", SymbolKind.TOOL),
        ("Score", SymbolKind.TYPE),
        ("Mail", SymbolKind.JOB),
        ("server 8080", SymbolKind.SERVER),
        ("加法", SymbolKind.TEST),
        ("store", SymbolKind.HANDLE),
        ("counter", SymbolKind.VARIABLE),
    ]


def test_agent_children_are_properties_and_members_in_source_order():
    writer = next(s for s in outline(SOURCE) if s.name == "Writer")
    assert [(c.name, c.kind) for c in writer.children] == [
        ("prompt", SymbolKind.PROPERTY),
        ("model", SymbolKind.PROPERTY),
        ("banner", SymbolKind.PROPERTY),
        ("helper", SymbolKind.METHOD),
        ("go", SymbolKind.METHOD),
    ]
    assert writer.detail == "implements Report"
    helper = writer.children[3]
    assert helper.detail == "(a, b)" and [c.name for c in helper.children] == ["a", "b"]


def test_flow_protocol_enum_and_server_children():
    symbols = {s.name: s for s in outline(SOURCE)}
    assert [(c.name, c.kind) for c in symbols["main"].children] == [
        ("n", SymbolKind.PARAMETER),
        ("m", SymbolKind.PARAMETER),
    ]
    assert [(c.name, c.detail) for c in symbols["Report"].children] == [
        ("title", '"string"'),
        ("body", '"string"'),
    ]
    assert shape(symbols["Shape"].children) == [
        ("Circle", SymbolKind.VARIANT, [("r", SymbolKind.FIELD, [])]),
        ("Square", SymbolKind.VARIANT, []),
    ]
    assert shape(symbols["server 8080"].children) == [
        ("GET /a", SymbolKind.ROUTE, []),
        ("/admin", SymbolKind.ROUTE_GROUP, [("GET /", SymbolKind.ROUTE, [])]),
    ]


def test_selection_span_is_the_name_inside_the_declaration():
    file = SourceFile.from_text(SOURCE)
    for top in document_symbols(file):
        for symbol, _ in top.walk():
            assert symbol.span.contains(symbol.selection_span), symbol.name
    writer = next(s for s in document_symbols(file) if s.name == "Writer")
    assert file.text_of(writer.selection_span) == "Writer"
    assert file.text_of(writer.span).startswith("@timeout")


def test_outline_of_a_file_with_a_syntax_error_keeps_the_good_declarations():
    found = [s.name for s in outline('agent A { prompt: "p" }\nflow broken( {\nagent B { prompt: "q" }\n')]
    assert "A" in found


def test_every_corpus_outline_is_well_formed(corpus_files: list[Path]):
    total = 0
    for path in corpus_files:
        file = SourceFile.from_text(path.read_bytes(), str(path))
        for top in document_symbols(file):
            for symbol, _ in top.walk():
                assert symbol.name, (path, symbol)
                assert symbol.span.contains(symbol.selection_span), (path, symbol.name)
                assert all(symbol.span.contains(c.span) for c in symbol.children), (path, symbol.name)
                total += 1
    assert total > 500


# ---------------------------------------------------------------------------------- workspace symbols


def test_workspace_symbols_match_across_files_best_first(tmp_path: Path):
    (tmp_path / "a.nx").write_text(
        'agent Writer { prompt: "p" }\nflow write_all() { print(1) }\n', encoding="utf-8"
    )
    (tmp_path / "b.nx").write_text(
        'agent Rewriter { prompt: "q"\n fn wr() { return 1 } }\n', encoding="utf-8"
    )
    workspace = Workspace()
    paths = [str(tmp_path / "a.nx"), str(tmp_path / "b.nx"), str(tmp_path / "missing.nx")]
    found = [(s.name, s.container) for s in workspace_symbols(workspace, paths, "wr")]
    assert found[0] == ("wr", "Rewriter")
    assert {name for name, _ in found} == {"wr", "Writer", "write_all", "Rewriter"}


def test_workspace_symbols_with_an_empty_query_list_everything_but_parameters(tmp_path: Path):
    (tmp_path / "a.nx").write_text("flow f(x) { print(x) }\n", encoding="utf-8")
    found = workspace_symbols(Workspace(), [str(tmp_path / "a.nx")], "")
    assert [(s.name, s.kind) for s in found] == [("f", SymbolKind.FLOW)]


def test_match_score_orders_exact_prefix_substring_subsequence():
    assert [match_score("wri", n) for n in ("wri", "Writer", "rewrite", "w_r_i", "xyz")] == [0, 1, 2, 3, None]


def test_workspace_symbols_over_the_corpus(corpus_files: list[Path]):
    found = workspace_symbols(Workspace(), [str(p) for p in corpus_files], "main")
    assert found and all(match_score("main", s.name) is not None for s in found)
    assert sum(1 for s in found if s.name == "main" and s.kind is SymbolKind.FLOW) > 20


def test_details_of_flows_methods_and_tool_fns_show_the_written_return_type():
    text = (
        '@tool("t")\nfn look(q: str) -> str { return q }\n'
        "trait Named { fn label() : String }\n"
        "flow norm(v: int) -> int { return v }\nflow main { print(1) }\n"
    )
    details = {s.name: s.detail for top in outline(text) for s, _ in top.walk()}
    assert details["look"] == "(q: str) -> str"
    assert details["label"] == "() -> String"
    assert details["norm"] == "(v: int) -> int" and details["main"] == "()"
