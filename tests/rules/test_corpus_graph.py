"""The G-series on the upstream corpus: no G error anywhere, and exactly the G warnings that
diagnostics.md §15.2 lists (the corpus folder is the checking context; each file is checked as its
own program, diagnostics kept for that file only, as `nexa-lsp --check` does)."""

from pathlib import Path

from nexa_lang.checker import check_text

G_CODES = [f"G{n:03d}" for n in range(1, 11)]

# file (relative to the corpus) → sorted (code, 1-based line) of its G diagnostics.
# §15.2 lists G001 for test_dag_operators/test_semantic_if, G002 for test_error_propagation,
# test_contract, test_img_multimodal and test_custom_tool, G007 for test_concurrent; the lines below
# are every flow those files never call from `main` and every agent used only by such flows.
EXPECTED: dict[str, list[tuple[str, int]]] = {
    "v1.2/test_concurrent.nx": [("G007", 8)],  # `let task = spawn(…)`, never awaited
    "v1.2/test_contract.nx": [("G002", 17), ("G002", 25), ("G002", 46), ("G002", 54)],
    "v1.2/test_custom_tool.nx": [("G002", 171)],  # flow test_tool_invocation
    "v1.2/test_dag_operators.nx": [("G001", 194), ("G001", 199)],
    "v1.2/test_error_propagation.nx": [
        ("G002", 19),  # agent Critic, used only by uncalled flows
        ("G002", 24),  # agent WeatherBot, likewise
        ("G002", 47),
        ("G002", 54),
        ("G002", 65),
        ("G002", 75),
        ("G002", 82),
        ("G002", 107),
        ("G002", 122),
    ],
    "v1.2/test_img_multimodal.nx": [("G002", 30), ("G002", 178)],
    "v1.2/test_semantic_if.nx": [("G001", 244)],
}


def graph_diagnostics(path: Path) -> list:
    return [
        d for d in check_text(path.read_text(encoding="utf-8"), str(path), G_CODES) if d.path == str(path)
    ]


def test_corpus_gets_no_error_severity_g_diagnostic(corpus_files: list[Path]) -> None:
    errors = [
        (str(path), d.code, d.message)
        for path in corpus_files
        for d in graph_diagnostics(path)
        if d.severity.value == "error"
    ]
    assert errors == []


def test_corpus_g_warnings_are_exactly_those_of_the_spec(corpus_files: list[Path], corpus_dir: Path) -> None:
    got: dict[str, list[tuple[str, int]]] = {}
    for path in corpus_files:
        source = path.read_bytes()
        found = sorted((d.code, source[: d.span.start].count(b"\n") + 1) for d in graph_diagnostics(path))
        if found:
            got[path.relative_to(corpus_dir).as_posix()] = found
    assert got == EXPECTED
