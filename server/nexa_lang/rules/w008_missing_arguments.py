"""W008 missing-arguments: a call passes fewer arguments than the callee's required parameters.

Why: the missing parameters are `none` at run time (L§7.8), which is rarely what the author meant.
Callees: flows, member functions, `@tool fn`s and lambdas bound to a name once (declared tools and
std functions are stricter: E302).
Example: `label("boxes")` for `flow label(name: str, count: int)`. No fix (add the argument, or a
default value to the parameter).
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang.callees import CODE_KINDS, bind_arguments, resolved_calls
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program


@rule("W008", "missing-arguments")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, call, callee in resolved_calls(program):
        if callee.kind not in CODE_KINDS:
            continue
        binding = bind_arguments(callee, call.arguments)
        if not binding.missing:
            continue
        required = sum(1 for p in callee.params if p.required)
        given = len(call.arguments)
        yield Diagnostic.warning(
            call.arguments_span,
            f"'{callee.name}' expects {required} argument(s) but {given} were given; "
            f"'{binding.missing[0].name}' will be none",
            path=file.path,
        )
