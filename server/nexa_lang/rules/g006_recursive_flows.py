"""G006 recursive-flows: flows (or agent member functions) call each other in a cycle.

Why: recursion is allowed, but the DAG preview must cut the cycle and the VM limits the call depth
to 256 (E100 beyond), so a cycle is worth a look.
Example: `flow refine(draft) { … return refine(draft + " (revised)") }`. Fix: rewrite as a loop
(`loop { … } until ("…")`); no automatic fix. Skipped for programs with syntax errors (§2.6).
"""

from collections.abc import Iterator

from nexa_lang.diagnostics import Diagnostic, Related, rule
from nexa_lang.model import Program
from nexa_lang.rules.flow_calls import Call, Owner, build_call_graph

MESSAGE = "flows call each other in a cycle: {cycle}"
CALLERS = ("flow", "member")


@rule("G006", "recursive-flows")
def check(program: Program) -> Iterator[Diagnostic]:
    if program.has_syntax_errors:
        return
    graph = build_call_graph(program)
    # Edges are calls and runnable positions (diagnostics.md G006), not a flow read as a value.
    calls = [c for c in graph.calls if c.runs and c.caller.kind in CALLERS and c.callee.kind in CALLERS]
    order: list[Owner] = []  # callers in source order of their first call
    for call in sorted(calls, key=lambda c: (c.file.path or "", c.span.start)):
        if call.caller not in order:
            order.append(call.caller)
    reported: set[frozenset[Owner]] = set()
    for start in order:
        for cycle in _cycles_from(start, calls):
            members = frozenset(c.caller for c in cycle)
            if members in reported or any(order.index(m) < order.index(start) for m in members if m in order):
                continue  # reported from its first flow in source order
            reported.add(members)
            names = [c.caller.name for c in cycle] + [start.name]
            first, *others = cycle
            yield Diagnostic.warning(
                first.span,
                MESSAGE.format(cycle=" → ".join(names)),
                path=first.file.path,
                related=[
                    Related(c.span, f"'{c.caller.name}' calls '{c.callee.name}'", c.file.path) for c in others
                ],
            )


def _cycles_from(start: Owner, calls: list[Call]) -> Iterator[list[Call]]:
    """Shortest cycle back to `start` through each of its first calls, in source order."""
    for first in sorted((c for c in calls if c.caller == start), key=lambda c: c.span.start):
        path = _path(first.callee, start, calls)
        if path is not None:
            yield [first, *path]


def _path(source: Owner, target: Owner, calls: list[Call]) -> list[Call] | None:
    """Breadth-first: the calls leading from `source` to `target` ([] when they are the same)."""
    if source == target:
        return []
    previous: dict[Owner, Call] = {}
    frontier = [source]
    seen = {source}
    while frontier:
        following: list[Owner] = []
        for owner in frontier:
            for call in sorted((c for c in calls if c.caller == owner), key=lambda c: c.span.start):
                if call.callee in seen:
                    continue
                seen.add(call.callee)
                previous[call.callee] = call
                if call.callee == target:
                    path = [call]
                    while path[0].caller != source:
                        path.insert(0, previous[path[0].caller])
                    return path
                following.append(call.callee)
        frontier = following
    return None
