"""W003 deprecated-syntax: an old spelling that upstream replaced and the language still accepts.

Why: the old spellings are kept only so that upstream programs run; new code should use the
canonical ones, which completion and the docs show.
Cases: a deprecated short std function name (S§2.12) in a call or a `uses` item; a quoted boolean
or integer for a boolean or integer setting (`stream: "true"`, `max_history_turns: "2"`); the legacy
agent result type `-> Name<Inner>` (L§3.1.6).
Example: `agent Clock { stream: "true" }`, `std.time.now()`.
Fix: (safe) rename to the canonical function; (safe) replace the string by the literal.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, rule
from nexa_lang.model import Program
from nexa_lang.prelude import DEPRECATED_STD_NAMES
from nexa_lang.setting_uses import setting_uses


@rule("W003", "deprecated-syntax")
def check(program: Program) -> Iterator[Diagnostic]:
    yield from _std_names(program)
    yield from _quoted_literals(program)
    for file in program.files:
        for node in file.nodes.of(ast.LegacyGenericType):
            if isinstance(node, ast.LegacyGenericType):
                yield Diagnostic.warning(
                    node.span,
                    "the result type form 'Name<Inner>' is deprecated; write the type itself",
                    path=file.path,
                )


def _deprecated(namespace: str, name: str) -> tuple[str, str] | None:
    new = DEPRECATED_STD_NAMES.get(namespace, {}).get(name)
    if new is None:
        return None
    return f"'std.{namespace}.{name}' is deprecated; use 'std.{namespace}.{new}'", new


def _std_names(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.Call, ast.AgentDecl):
            if isinstance(node, ast.Call) and isinstance(node.function, ast.Member):
                member = node.function
                namespace = member.object
                if (
                    isinstance(namespace, ast.Member)
                    and isinstance(namespace.object, ast.Name)
                    and namespace.object.id == "std"
                ):
                    found = _deprecated(namespace.name, member.name)
                    if found is not None:
                        message, new = found
                        fix = Fix.replace(member.name_span, new, f"Rename to '{new}'")
                        yield Diagnostic.warning(member.name_span, message, path=file.path, fix=fix)
            elif isinstance(node, ast.AgentDecl):
                for item in node.uses:
                    parts = item.text.split(".")
                    if item.kind == "name" and len(parts) == 3 and parts[0] == "std":
                        found = _deprecated(parts[1], parts[2])
                        if found is not None:
                            message, new = found
                            fix = Fix.replace(item.span, f"std.{parts[1]}.{new}", f"Rename to '{new}'")
                            yield Diagnostic.warning(item.span, message, path=file.path, fix=fix)


def _quoted_literals(program: Program) -> Iterator[Diagnostic]:
    for use in setting_uses(program):
        verdict = use.verdict
        if verdict is None:
            continue
        if verdict.ok and verdict.quoted:
            yield Diagnostic.warning(
                use.value.span,
                f"quoted {verdict.quoted} for '{use.key}' is deprecated; write {verdict.literal}",
                path=use.file.path,
                fix=Fix.replace(use.value.span, verdict.literal, f"Replace with {verdict.literal}"),
            )
