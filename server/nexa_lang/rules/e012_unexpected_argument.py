"""E012 unexpected-argument: too many positional arguments, or a named argument the callee lacks.

Why: the VM raises a RuntimeError for such a call (L D62), so the line always fails.
Callees with a known parameter list: flows, member functions, lambdas bound to a name once,
`@tool fn`s, struct constructors, payload variants of the program's enums (`Shape::Circle(1, 2)`
for `Circle(r: float)`, L§3.9), declared tools, std functions and prelude functions with a fixed
signature. Agents take any number of inputs and are never reported, and neither are MCP and
Python tools, whose parameters come from the server or module (S§5.2), not from the program.
A named argument that is not a field of a constructed struct or variant is E002 instead (its case 4).
Example: `greet("Ada", "Lovelace")` for `flow greet(name: str)`; `greet(person = "Ada")`.
A call on the right of `>>`/`|>` counts the piped value as its first argument (L§5.6):
`"Ada" |> greet("Lovelace")` is the same extra argument.
Fix: (unsafe) remove the extra arguments.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.callees import bind_arguments
from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span
from nexa_lang.rules.piped_calls import arguments, is_inserted
from nexa_lang.rules.unfinished_calls import finished_calls


@rule("E012", "unexpected-argument")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, call, callee in finished_calls(program):
        if callee.kind == "tool" and _schema_is_external(program, callee.name):
            continue
        given_arguments = arguments(program, call)
        binding = bind_arguments(callee, given_arguments)
        if binding.extra:
            limit = callee.positional_limit or 0
            given = sum(1 for a in given_arguments if a.name is None)
            written = [a for a in binding.extra if not is_inserted(a, call)]
            span = Span(binding.extra[0].span.start, binding.extra[-1].span.end)
            if written:  # the piped value is never the extra one unless nothing is written
                span = Span(written[0].span.start, written[-1].span.end)
            yield Diagnostic.error(
                span,
                f"'{callee.name}' takes {limit} argument(s) but {given} were given",
                path=file.path,
                fix=removal(call.arguments, written, "Remove the extra arguments") if written else None,
            )
        if callee.kind in ("struct", "variant"):
            continue  # an unknown field of a construction is E002 (case 4)
        for argument in binding.unknown:
            yield Diagnostic.error(
                argument.span,
                f"'{callee.name}' has no parameter named '{argument.name}'",
                path=file.path,
                fix=removal(call.arguments, [argument], f"Remove the argument '{argument.name}'"),
            )


def _schema_is_external(program: Program, name: str) -> bool:
    """A declared `mcp:` or `python:` tool (`name` or `name.run`): its parameter list is unknown
    to the checker, so no argument of a call can be judged extra."""
    symbol = program.lookup(name.removesuffix(".run"))
    decl = symbol.decl if symbol is not None else None
    return isinstance(decl, ast.ToolDecl) and any(decl.property(k) for k in ("mcp", "python"))


def removal(arguments: list[ast.Argument], removed: list[ast.Argument], title: str) -> Fix:
    """Delete `removed` from the argument list with their separating commas."""
    spans = []
    for argument in removed:
        index = next(i for i, a in enumerate(arguments) if a is argument)
        if index > 0:
            spans.append(Span(arguments[index - 1].span.end, argument.span.end))
        elif len(arguments) > 1:
            spans.append(Span(argument.span.start, arguments[1].span.start))
        else:
            spans.append(argument.span)
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return Fix(title, tuple(Edit(s.start, s.end, "") for s in merged), Safety.UNSAFE)
