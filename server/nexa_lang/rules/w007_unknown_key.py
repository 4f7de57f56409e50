"""W007 unknown-key: a key that the language does not know for its place.

Why: upstream kept any key without effect, so a misspelt `prmopt` or `temprature` silently does
nothing. Places: agent properties (S§3.1), tool declarations (S§5.2), `@tool(…)` configuration,
`autoloop`/`with_context`/`context_policy` parameters (S§3.3), job options (L§3.10), server `cors`
objects (L§3.11), and filter names inside `template\"\"\"…\"\"\"` literals (S§1.9).
Example: `agent Bot { prmopt: "Answer briefly." }`.
Fix: (unsafe) "Change to '{candidate}'" when a known key is within edit distance 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span
from nexa_lang.properties import closest_word
from nexa_lang.setting_uses import AGENT, setting_uses
from nexa_lang.templates import TEMPLATE_FILTERS, template_filters


@rule("W007", "unknown-key")
def check(program: Program) -> Iterator[Diagnostic]:
    for use in setting_uses(program):
        if use.spec is not None or (use.place.startswith("@") and use.place != "@tool"):
            continue  # decorator parameters are E010's
        if use.place == AGENT:
            message = f"unknown property '{use.key}' for agent '{use.owner}'"
        else:
            message = f"unknown {use.place} key '{use.key}'"
        yield _with_candidate(message, use.key, use.key_span, use.known_keys, use.file.path)


@rule("W007", "unknown-key")
def check_template_filters(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.TemplateLit):
            if not isinstance(node, ast.TemplateLit):
                continue
            for name, span in template_filters(node, file.source):
                if name not in TEMPLATE_FILTERS:
                    message = f"unknown template filter '{name}'"
                    yield _with_candidate(message, name, span, TEMPLATE_FILTERS, file.path)


def _with_candidate(message: str, key: str, span: Span, known: Iterable[str], path: str | None) -> Diagnostic:
    candidate = closest_word(key, tuple(known))
    if candidate is None:
        return Diagnostic.warning(span, message, path=path)
    return Diagnostic.warning(
        span,
        f"{message}; did you mean '{candidate}'?",
        path=path,
        fix=Fix.replace(span, candidate, f"Change to '{candidate}'", Safety.UNSAFE),
    )
