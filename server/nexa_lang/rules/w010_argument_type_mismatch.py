"""W010 argument-type-mismatch: an argument's certain type does not fit the parameter's type.

Why: the type mode decides at run time (L§3.8): `warn` reports and continues, `strict` raises
E111. Only certain types count (diagnostics.md §2.5); `any` never mismatches.
Callees: flows, member functions, `@tool fn`s and lambdas bound to a name once.
Example: `repeat("hi", "3")` for `flow repeat(text: str, times: int)`.
Fix: (unsafe) for a string of digits passed to `int`/`float`, unquote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.callees import CODE_KINDS, bind_arguments
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.rules.piped_calls import arguments
from nexa_lang.rules.unfinished_calls import finished_calls
from nexa_lang.types import Types, assignable

NUMERIC_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@rule("W010", "argument-type-mismatch")
def check(program: Program) -> Iterator[Diagnostic]:
    types = Types(program, replies_as_records=False)  # §2.5: a reply's protocol is for field access only
    for file, call, callee in finished_calls(program):
        if callee.kind not in CODE_KINDS:
            continue
        for argument, param in bind_arguments(callee, arguments(program, call)).bound:
            found = types.type_of(argument.value, id(file))
            if assignable(program, found, param.type):
                continue
            fix = None
            value = argument.value
            if (
                isinstance(value, ast.StringLit)
                and param.type.name in ("int", "float")
                and NUMERIC_TEXT.fullmatch(value.value)
                and (param.type.name == "float" or "." not in value.value)
            ):
                fix = Fix.replace(value.span, value.value, f"Unquote {value.value}", Safety.UNSAFE)
            yield Diagnostic.warning(
                value.span,
                f"argument '{param.name}' of '{callee.name}' expects {param.type}, found {found}",
                path=file.path,
                fix=fix,
            )
