"""E014 unknown-module: an `import` of something that is not `std`.

Why: there is no package system (L§2.5, D08); only `std`, its namespaces and `"std"` can be
imported, so any other path names nothing. `import std.NAME` with an unknown NAME is E303.
Example: `import community.tools as ct`. No fix.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program


@rule("E014", "unknown-module")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, decl in program.of_kind(ast.Import):
        assert isinstance(decl, ast.Import)
        if decl.module and decl.module != "std" and not decl.module.startswith("std."):
            message = f"unknown module '{decl.module}'; only 'std' and its namespaces can be imported"
            yield Diagnostic.error(decl.module_span, message, path=file.path)
