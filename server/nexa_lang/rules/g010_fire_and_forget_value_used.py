"""G010 fire-and-forget-value-used: the value of `a || [R1, …]`, always `none`, is used.

Why: `||` starts its branches and returns at once with `none` (L§7.5.4); code reading that value
almost certainly wanted the branches' results.
Example: `sent = "server restarted" || [Mailer, Logger]` then `print(sent)`.
Fix (unsafe) "Use '|>>'": the operator becomes `|>>`, which waits for the results.
The `||` expressions and what becomes of their values come from the flow graphs (nexa_lang.dag).
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span
from nexa_lang.rules.g001_unused_fork_result import is_discarded

MESSAGE = "'||' fires and forgets: its value is always none; use '|>>' to wait for the results"


@rule("G010", "fire-and-forget-value-used")
def check(program: Program) -> Iterator[Diagnostic]:
    for graph in program.activation_graphs:
        for site in graph.values:
            node = site.expr
            if isinstance(node, ast.Dag) and node.op == "||" and not is_discarded(graph, site):
                yield Diagnostic.warning(
                    Span(node.op_span.start, node.right.span.end),
                    MESSAGE,
                    path=graph.file.path,
                    fix=Fix.replace(node.op_span, "|>>", "Use '|>>'", Safety.UNSAFE),
                )
