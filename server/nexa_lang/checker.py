"""Run the registered rules on a program: the one entry point behind `--check`, the server and
`nexa run`'s compile step (diagnostics.md §1.4)."""

from __future__ import annotations

from collections.abc import Iterable

from nexa_lang.diagnostics import Diagnostic, Rule, registered_rules, run_rules, sort_diagnostics
from nexa_lang.lowering import iter_errors
from nexa_lang.model import Program, program_of_text
from nexa_lang.positions import Span


def rules() -> list[Rule]:
    import nexa_lang.rules  # noqa: F401 - importing registers every rule

    return registered_rules()


def check_program(program: Program, selected: Iterable[Rule] | None = None) -> list[Diagnostic]:
    """The static diagnostics of the semantic rules for every file of `program` (E008 excluded:
    it belongs to the file, see nexa_lang.syntax_errors). A diagnostic whose range lies inside an
    ERROR node is dropped (§2.6); diagnostics without a path belong to the root file."""
    found = run_rules(program, list(selected) if selected is not None else rules())
    error_spans: dict[str | None, list[Span]] = {
        f.path: [Span(n.start_byte, n.end_byte) for n in iter_errors(f.tree.root_node) if n.is_error]
        for f in program.files
    }
    kept = []
    for diagnostic in found:
        if diagnostic.path is None:
            diagnostic = diagnostic.with_(path=program.root.path)
        spans = error_spans.get(diagnostic.path, [])
        if any(s.start <= diagnostic.span.start and diagnostic.span.end <= s.end for s in spans):
            continue
        kept.append(diagnostic)
    return sort_diagnostics(kept)


def check_text(text: str, path: str | None = None, codes: Iterable[str] | None = None) -> list[Diagnostic]:
    """Check one text as a program root (tests and stdin); `codes` limits the rules run."""
    program = program_of_text(text, path)
    wanted = set(codes) if codes is not None else None
    selected = [r for r in rules() if wanted is None or r.code in wanted]
    return check_program(program, selected)
