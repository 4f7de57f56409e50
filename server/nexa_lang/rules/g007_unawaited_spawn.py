"""G007 unawaited-spawn: a spawned task or actor is never awaited or used.

Why: the result and the errors of a task nobody awaits are lost, and the run may end before it does.
Example: `job = spawn Indexer("corpus/")` and `job` is never read.
Fix: `await job` (or `await_task`, `try_await`, `cancel_task`, `pass … to job`) — no automatic fix.
The spawns and what becomes of their values come from the flow graphs (nexa_lang.dag).
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.g001_unused_fork_result import is_discarded

MESSAGE = "this spawned {what} is never awaited; its result and errors are lost"


@rule("G007", "unawaited-spawn")
def check(program: Program) -> Iterator[Diagnostic]:
    for graph in program.activation_graphs:
        for site in graph.values:
            spawn = site.expr
            if isinstance(spawn, ast.Spawn) and spawn.agents is None and is_discarded(graph, site):
                what = "actor" if spawn.actor is not None else "task"
                yield Diagnostic.warning(spawn.span, MESSAGE.format(what=what), path=graph.file.path)
