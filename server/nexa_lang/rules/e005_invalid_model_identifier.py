"""E005 invalid-model-identifier: a literal model string breaks the format of S§4.2.

Why: the VM cannot route such a string to a provider, so every run of the agent would fail.
Example: `model: "DeepSeek/deepseek-chat "`, `fallback: "opnai/gpt-4o-mini"`.
Fix: (safe) trim the white space; (safe) lower-case the provider; (unsafe) change an unknown
provider to the closest known id.
"""

from __future__ import annotations

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.model_ids import KNOWN_PROVIDERS, ModelIdProblem, check_model_id
from nexa_lang.suggestions import closest_name

MODEL_KEYS = ("model", "fallback")


@rule("E005", "invalid-model-identifier")
def check(program: Program) -> Iterator[Diagnostic]:
    declared = declared_providers(program)
    for file in program.files:
        for literal in model_literals(file):
            problem = check_model_id(literal.value, declared)
            if problem is not None:
                yield Diagnostic.error(
                    literal.span,
                    f"invalid model identifier '{literal.value}': {problem.reason}",
                    path=file.path,
                    fixes=_fixes(literal, problem, declared),
                )


def declared_providers(program: Program) -> tuple[str, ...]:
    """Provider ids declared under `[providers.<id>]` in the configuration (S§4.7)."""
    providers = getattr(program.settings, "providers", ()) or ()
    return tuple(name for name, _ in providers)


def model_literals(file: SourceFile) -> Iterator[ast.StringLit]:
    """String literals used as model identifiers: agents' `model`/`fallback` values (list items
    too) and the `model` argument of `A.clone(…)`."""
    for node in file.nodes.of(ast.AgentDecl, ast.Call):
        if isinstance(node, ast.AgentDecl):
            for prop in node.properties:
                if prop.key in MODEL_KEYS:
                    yield from _strings(prop.value)
        elif isinstance(node, ast.Call) and isinstance(node.function, ast.Member):
            if node.function.name == "clone":
                for argument in node.arguments:
                    if argument.name == "model":
                        yield from _strings(argument.value)


def _strings(value: ast.Expr) -> Iterator[ast.StringLit]:
    items = value.elements if isinstance(value, ast.ListLit) else [value]
    for item in items:
        inner = item.value if isinstance(item, ast.FallbackElement) else item
        if isinstance(inner, ast.StringLit) and not inner.interpolations:
            yield inner


def _fixes(literal: ast.StringLit, problem: ModelIdProblem, declared: tuple[str, ...]) -> list[Fix]:
    text = literal.value
    if problem.kind == "space" and text.strip():
        return [Fix.replace(literal.span, f'"{text.strip()}"', "Trim white space")]
    if problem.kind == "case":
        fixed = problem.provider.lower() + text[problem.provider_end :]
        return [Fix.replace(literal.span, f'"{fixed}"', "Lower-case the provider")]
    if problem.kind == "provider":
        candidate = closest_name(problem.provider, [*KNOWN_PROVIDERS, *declared])
        if candidate is not None:
            fixed = candidate + text[problem.provider_end :]
            return [Fix.replace(literal.span, f'"{fixed}"', f"Change to '{candidate}'", Safety.UNSAFE)]
    return []
