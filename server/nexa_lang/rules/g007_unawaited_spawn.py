"""G007 unawaited-spawn: a spawned task or actor is never awaited or used.

Why: the result and the errors of a task nobody awaits are lost, and the run may end before it does.
Example: `job = spawn Indexer("corpus/")` and `job` is never read.
Fix: `await job` (or `await_task`, `try_await`, `cancel_task`, `pass … to job`) — no automatic fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.activation_values import activation_bodies, assigned_name, is_read_after, statements_of

MESSAGE = "this spawned {what} is never awaited; its result and errors are lost"


@rule("G007", "unawaited-spawn")
def check(program: Program) -> Iterator[Diagnostic]:
    for activation, body in activation_bodies(program):
        for statement in statements_of(body):
            spawn: ast.Expr | None = None
            if isinstance(statement, ast.ExprStmt):
                spawn = statement.expr
            elif (assigned := assigned_name(statement)) is not None:
                name, value = assigned
                if not is_read_after(program, activation, name, statement.span.end):
                    spawn = value
            if isinstance(spawn, ast.Spawn) and spawn.agents is None:
                what = "actor" if spawn.actor is not None else "task"
                yield Diagnostic.warning(spawn.span, MESSAGE.format(what=what), path=activation.file.path)
