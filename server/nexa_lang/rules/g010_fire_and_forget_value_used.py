"""G010 fire-and-forget-value-used: the value of `a || [R1, …]`, always `none`, is used.

Why: `||` starts its branches and returns at once with `none` (L§7.5.4); code reading that value
almost certainly wanted the branches' results.
Example: `sent = "server restarted" || [Mailer, Logger]` then `print(sent)`.
Fix (unsafe) "Use '|>>'": the operator becomes `|>>`, which waits for the results.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span
from nexa_lang.rules.activation_values import activation_bodies, assigned_name, is_read_after, statements_of

MESSAGE = "'||' fires and forgets: its value is always none; use '|>>' to wait for the results"


@rule("G010", "fire-and-forget-value-used")
def check(program: Program) -> Iterator[Diagnostic]:
    for activation, body in activation_bodies(program):
        unused: set[int] = set()  # `||` whose value is discarded: a statement, or an unread assignment
        for statement in statements_of(body):
            if isinstance(statement, ast.ExprStmt):
                unused.add(id(statement.expr))
            elif (assigned := assigned_name(statement)) is not None:
                name, value = assigned
                if not is_read_after(program, activation, name, statement.span.end):
                    unused.add(id(value))
        for statement in statements_of(body):
            for node in _expressions_of(statement):
                if isinstance(node, ast.Dag) and node.op == "||" and id(node) not in unused:
                    yield Diagnostic.warning(
                        Span(node.op_span.start, node.right.span.end),
                        MESSAGE,
                        path=activation.file.path,
                        fix=Fix.replace(node.op_span, "|>>", "Use '|>>'", Safety.UNSAFE),
                    )


def _expressions_of(statement: ast.Stmt) -> Iterator[ast.Node]:
    """The expression nodes of one statement (not of nested statements, blocks or lambdas)."""
    stack: list[ast.Node] = [c for c in statement.children() if not isinstance(c, ast.Stmt | ast.Block)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda | ast.Block | ast.Stmt):
            continue
        yield node
        stack.extend(node.children())
