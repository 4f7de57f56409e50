"""W005 possibly-undefined-name: an unresolved name where it may be defined elsewhere.

Why: a library checked on its own may rely on names its includer declares, a missing include may
declare them, and a `python!` block may bind them (diagnostics.md §2.1, L D45); the name is only a
problem if it is evaluated (E108), so the finding is a warning, not E001/E006/E007.
Example: a library of flows calling `load_rows()` that it does not declare. Fix (unsafe): change
to the closest visible name.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span
from nexa_lang.prelude import is_prelude_name
from nexa_lang.rules.unresolved import (
    TOOL_KINDS,
    change_to,
    did_you_mean,
    leniency,
    names_of_kind,
    tool_items,
    visible_names,
)


@rule("W005", "possibly-undefined-name")
def check(program: Program) -> Iterator[Diagnostic]:
    for reference in program.scopes.unresolved():
        reason = leniency(program, reference.activation)
        if reason is None:
            continue  # E001
        candidates = visible_names(program, reference)
        yield _warning(reference.name, reason, candidates, reference.span, reference.file.path)
    reason = leniency(program)
    if reason is None:
        return  # E006 and E007 report unresolved clause items of a closed program root
    yield from _clause_items(program, reason)


def _clause_items(program: Program, reason: str) -> Iterator[Diagnostic]:
    """`implements` names (E006's situation) and tool items (E007's) that resolve to nothing."""
    for file, agent in program.of_kind(ast.AgentDecl):
        for protocol in agent.implements if isinstance(agent, ast.AgentDecl) else []:
            if program.lookup(protocol.id) is None:
                protocols = names_of_kind(program, "protocol")
                yield _warning(protocol.id, reason, protocols, protocol.span, file.path)
    for item in tool_items(program):
        if program.lookup(item.name) is None and not is_prelude_name(item.name):
            yield _warning(item.name, reason, names_of_kind(program, *TOOL_KINDS), item.span, item.file.path)


def _warning(name: str, reason: str, candidates: list[str], span: Span, path: str | None) -> Diagnostic:
    hint, candidate = did_you_mean(name, candidates)
    return Diagnostic.warning(
        span, f"'{name}' is not defined here; {reason}{hint}", path=path, fixes=change_to(span, candidate)
    )
