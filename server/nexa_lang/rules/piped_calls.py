"""The arguments a call really receives when it is the right operand of `>>` or `|>` (L§5.6).

`7 |> scale(2, 3)` is `scale(7, 2, 3)` and `x >> f(a)` is `f(x, a)`: the left value is inserted as
the first positional argument and the call is never evaluated by itself. The argument rules (E012,
E302, W008, W010) bind `arguments(program, call)`, which prepends that value, so that a piped call
is neither reported as missing its first argument nor excused from having one too many.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from nexa_lang import ast
from nexa_lang.model import Program

PIPING_OPERATORS = (">>", "|>")

_PIPED: WeakKeyDictionary[Program, dict[int, ast.Expr]] = WeakKeyDictionary()


def piped_value(program: Program, call: ast.Call) -> ast.Expr | None:
    """The expression `>>`/`|>` inserts as `call`'s first argument, or None for an ordinary call."""
    found = _PIPED.get(program)
    if found is None:
        found = _PIPED[program] = {
            id(node.right): node.left
            for _, node in program.nodes.of(ast.Dag)
            if isinstance(node, ast.Dag) and node.op in PIPING_OPERATORS and isinstance(node.right, ast.Call)
        }
    return found.get(id(call))


def arguments(program: Program, call: ast.Call) -> list[ast.Argument]:
    """`call.arguments`, preceded by the piped value when `call` is the right operand of `>>`/`|>`."""
    value = piped_value(program, call)
    if value is None:
        return call.arguments
    return [ast.Argument(span=value.span, value=value), *call.arguments]


def is_inserted(argument: ast.Argument, call: ast.Call) -> bool:
    """True for the argument `arguments` inserted (it is not written in the call's parentheses)."""
    return not any(a is argument for a in call.arguments)
