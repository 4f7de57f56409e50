"""G001 unused-fork-result: the result of a fan-out `a |>> [R1, …]` is discarded.

Why: every branch runs a model call whose reply nobody reads; the cost is paid for nothing.
Example: `views = "four-day week" |>> [Pro, Con]` and `views` is never read.
Fix: merge the results (`… |>> [Pro, Con] &>> Chair`) or fire and forget with `||` (no automatic fix).

A fan-out that is an operand, an argument or a returned value is used; only a fan-out that is a
whole expression statement, or the whole value of an assignment nobody reads later, is reported.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span
from nexa_lang.rules.activation_values import activation_bodies, assigned_name, is_read_after, statements_of
from nexa_lang.scopes import Activation

MESSAGE = (
    "the results of this fan-out are never used; merge them with '&>>' or use '||' to fire and forget"
)


@rule("G001", "unused-fork-result")
def check(program: Program) -> Iterator[Diagnostic]:
    for activation, body in activation_bodies(program):
        for statement in statements_of(body):
            fan_out = _discarded_fan_out(program, activation, statement)
            if fan_out is not None:
                span = Span(fan_out.op_span.start, fan_out.right.span.end)
                yield Diagnostic.warning(span, MESSAGE, path=activation.file.path)


def _discarded_fan_out(program: Program, activation: Activation, statement: ast.Stmt) -> ast.Dag | None:
    if isinstance(statement, ast.ExprStmt) and _is_fan_out(statement.expr):
        return statement.expr  # type: ignore[return-value]
    assigned = assigned_name(statement)
    if assigned is not None and _is_fan_out(assigned[1]):
        name, value = assigned
        if not is_read_after(program, activation, name, statement.span.end):
            return value  # type: ignore[return-value]
    return None


def _is_fan_out(expr: ast.Expr) -> bool:
    return isinstance(expr, ast.Dag) and expr.op == "|>>"
