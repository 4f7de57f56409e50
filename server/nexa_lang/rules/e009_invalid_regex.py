"""E009 invalid-regex: a regular expression written as a string literal does not compile.

Why: a broken `fast_match` pattern or `std.regex` pattern fails every time the line runs.
Checks the pattern of `semantic_if … fast_match r"…"` against the subset of L§7.6.2 (no lookaround,
back-references or named groups; braces only as quantifiers), and a literal first argument
(`pattern`) of `std.regex.regex_match` / `regex_replace` against Python's `re` (S§2.8).
A fast_match pattern is data (L§1.6.5, D04): a `#{…}` in it is pattern text, checked as written.
A std.regex pattern with a `#{…}` is evaluated, so its text is only known at run time: not checked.
Example: `fast_match r"\\d{4}-\\d{2-\\d{2}"`. No fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.prelude import DEPRECATED_STD_NAMES
from nexa_lang.regexes import fast_match_problem, python_regex_problem

REGEX_FUNCTIONS = {"regex_match", "regex_replace", *DEPRECATED_STD_NAMES["regex"]}


@rule("E009", "invalid-regex")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.SemanticIf, ast.Call):
            if isinstance(node, ast.SemanticIf) and node.fast_match is not None:
                literal = node.fast_match
                problem = fast_match_problem(_data_text(file, literal))
            elif isinstance(node, ast.Call) and (literal := _std_regex_pattern(node)) is not None:
                problem = None if literal.interpolations else python_regex_problem(literal.value)
            else:
                continue
            if problem is not None:
                yield Diagnostic.error(literal.span, problem, path=file.path)


def _data_text(file: SourceFile, string: ast.StringLit) -> str:
    """The text of a string used as data, as the VM matches it: each `#{…}` as written, spaces
    included (`value` keeps the path with its spaces stripped)."""
    parts = [p if isinstance(p, str) else file.text_of(p.span) for p in string.parts]
    return "".join(parts) or string.value


def _std_regex_pattern(call: ast.Call) -> ast.StringLit | None:
    function = call.function
    if not (isinstance(function, ast.Member) and function.name in REGEX_FUNCTIONS):
        return None
    namespace = function.object
    if not (
        isinstance(namespace, ast.Member)
        and namespace.name == "regex"
        and isinstance(namespace.object, ast.Name)
        and namespace.object.id == "std"
    ):
        return None
    named = next((a for a in call.arguments if a.name == "pattern"), None)
    positional = next((a for a in call.arguments if a.name is None), None)
    argument = named or positional
    return argument.value if argument is not None and isinstance(argument.value, ast.StringLit) else None
