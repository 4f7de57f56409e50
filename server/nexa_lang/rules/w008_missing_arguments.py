"""W008 missing-arguments: a call passes fewer arguments than the callee's required parameters.

Why: the missing parameters are `none` at run time (L§7.8), which is rarely what the author meant.
Callees: flows, member functions, `@tool fn`s and lambdas bound to a name once (declared tools and
std functions are stricter: E302).
Example: `label("boxes")` for `flow label(name: str, count: int)`. No fix (add the argument, or a
default value to the parameter). A call on the right of `>>`/`|>` also receives the piped value
as its first argument (L§5.6): `7 |> scale(2, 3)` gives `scale` three arguments.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang.callees import CODE_KINDS, bind_arguments
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program
from nexa_lang.rules.piped_calls import arguments
from nexa_lang.rules.unfinished_calls import finished_calls


@rule("W008", "missing-arguments")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, call, callee in finished_calls(program):
        if callee.kind not in CODE_KINDS:
            continue
        given_arguments = arguments(program, call)
        binding = bind_arguments(callee, given_arguments)
        if not binding.missing:
            continue
        required = sum(1 for p in callee.params if p.required)
        given = len(given_arguments)
        if given >= required:
            continue  # an unknown named argument is E012's business; the count is what W008 states
        yield Diagnostic.warning(
            call.arguments_span,
            f"'{callee.name}' expects {required} argument(s) but {given} were given; "
            f"'{binding.missing[0].name}' will be none",
            path=file.path,
        )
