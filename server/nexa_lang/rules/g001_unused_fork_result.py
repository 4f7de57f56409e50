"""G001 unused-fork-result: the result of a fan-out `a |>> [R1, …]` is discarded.

Why: every branch runs a model call whose reply nobody reads; the cost is paid for nothing.
Example: `views = "four-day week" |>> [Pro, Con]` and `views` is never read.
Fix: merge the results (`… |>> [Pro, Con] &>> Chair`) or fire and forget with `||` (no automatic fix).

A fan-out that is an operand, an argument or a returned value is used; only a fan-out that is a
whole expression statement, or the whole value of an assignment nobody reads later, is reported.
The fan-outs and what becomes of their values come from the flow graphs (nexa_lang.dag).
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.dag import ActivationGraph, ValueSite
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span

MESSAGE = "the results of this fan-out are never used; merge them with '&>>' or use '||' to fire and forget"


@rule("G001", "unused-fork-result")
def check(program: Program) -> Iterator[Diagnostic]:
    for graph in program.activation_graphs:
        for site in graph.values:
            fan_out = site.expr
            if isinstance(fan_out, ast.Dag) and fan_out.op == "|>>" and is_discarded(graph, site):
                span = Span(fan_out.op_span.start, fan_out.right.span.end)
                yield Diagnostic.warning(span, MESSAGE, path=graph.file.path)


def is_discarded(graph: ActivationGraph, site: ValueSite) -> bool:
    """The value is an expression statement, or assigned to a local no later statement reads."""
    if site.fate == "discarded":
        return True
    return (
        site.fate == "assigned" and site.name is not None and not graph.is_read_after(site.name, site.after)
    )
