"""E302 invalid-tool-arguments (static form): a call written in code to a declared tool or a
std/prelude function omits a required argument or passes a literal of the wrong JSON type.

Why: the VM validates these arguments against the tool's schema (S§5.3–5.4) and raises E302 at
run time, so the call always fails. Too many arguments or unknown names are E012.
Example: `std.time.time_sleep("soon")`, `std.fs.file_read()`. No fix. A call on the right of
`>>`/`|>` receives the piped value first (L§5.6): `"x" |> std.text.text_upper()` is complete.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.callees import SCHEMA_KINDS, bind_arguments
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.piped_calls import arguments
from nexa_lang.rules.unfinished_calls import finished_calls
from nexa_lang.schema_words import (
    either,
    invalid_arguments,
    kind_fits,
    missing,
    must_be,
    with_article,
)


@rule("E302", "invalid-tool-arguments")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, call, callee in finished_calls(program):
        if callee.kind not in SCHEMA_KINDS:
            continue
        binding = bind_arguments(callee, arguments(program, call))
        if binding.missing:
            problems = ", ".join(missing(p.name) for p in binding.missing)
            yield Diagnostic.error(
                call.arguments_span, invalid_arguments(callee.name, problems), path=file.path
            )
        for argument, param in binding.bound:
            if not param.schema:
                continue
            found = json_kind(argument.value)
            accepted = param.schema.split(" | ")
            if found is None or kind_fits(found, accepted):
                continue
            expected = either([with_article(word) for word in accepted])
            problem = must_be(param.name, expected, with_article(found))
            yield Diagnostic.error(
                argument.value.span, invalid_arguments(callee.name, problem), path=file.path
            )


def json_kind(value: ast.Expr) -> str | None:
    """The JSON type of a literal argument, None for anything that is not a literal."""
    if isinstance(value, ast.StringLit | ast.TemplateLit):
        return "string"
    if isinstance(value, ast.Bool):
        return "boolean"
    number = value.operand if isinstance(value, ast.Unary) and value.op == "-" else value
    if isinstance(number, ast.Number):
        return "integer" if isinstance(number.value, int) else "number"
    if isinstance(value, ast.ListLit):
        return "array"
    if isinstance(value, ast.DictLit):
        return "object"
    if isinstance(value, ast.NoneLit):
        return "null"
    return None
