"""W012 shadowed-name: a declaration hides a prelude name, or a local hides a global variable.

Why: a global declaration named like a built-in hides it in the whole program (L§6.1), and an
assignment inside a body creates a local instead of changing the global (L D44); both surprise
readers. Example: `enum Result { Done, Failed }`; `let counter = 0` with `flow bump { counter =
counter + 1 }`. No fix. Parameters, and locals hiding prelude functions, are not reported.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Related, rule
from nexa_lang.model import Program, Symbol
from nexa_lang.prelude import is_prelude_name
from nexa_lang.scopes import Activation

PRELUDE_TYPES = frozenset({"Option", "Result"})
PRELUDE_VALUES = frozenset({"std", "secrets", "runtime", "JobQueue"})


@rule("W012", "shadowed-name")
def check(program: Program) -> Iterator[Diagnostic]:
    for name, symbols in program.symbols.items():
        if is_prelude_name(name):
            for symbol in symbols:
                yield _hides_builtin(symbol)
    global_variables = {
        name: symbols[0]
        for name, symbols in program.symbols.items()
        if symbols and symbols[0].kind == "global"
    }
    if not global_variables:  # most programs: no local can hide one
        return
    for activation in program.scopes.activations:
        if activation.kind != "top":
            yield from _hides_globals(activation, global_variables)


def _hides_builtin(symbol: Symbol) -> Diagnostic:
    what = (
        "type" if symbol.name in PRELUDE_TYPES else "value" if symbol.name in PRELUDE_VALUES else "function"
    )
    return Diagnostic.warning(
        symbol.name_span, f"'{symbol.name}' hides the built-in {what}", path=symbol.file.path
    )


def _hides_globals(activation: Activation, global_variables: dict[str, Symbol]) -> Iterator[Diagnostic]:
    """`global_variables`: the program's global variables, as `program.lookup` finds them."""
    for name, span in activation.locals.items():
        symbol = global_variables.get(name)
        if symbol is None or name in _parameter_names(activation.node):
            continue
        line = symbol.file.line_of(symbol.name_span.start) + 1
        yield Diagnostic.warning(
            span,
            f"local '{name}' hides the global variable of line {line}; "
            "assigning it here does not change the global",
            path=activation.file.path,
            related=[Related(symbol.name_span, "the global variable", symbol.file.path)],
        )


def _parameter_names(node: ast.Node) -> set[str]:
    if isinstance(node, ast.JobDecl):
        return {p.id for p in [*node.perform_params, *node.failure_params]}
    return {p.name for p in getattr(node, "params", [])}
