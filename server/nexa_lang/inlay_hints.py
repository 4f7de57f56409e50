"""Inlay hints: parameter names before positional arguments, and the estimated prompt size of each
agent call with its share of the model's context window (`token_estimates`).

A parameter hint is left out where it would repeat what is written: the argument is a name equal
to the parameter's, or the callee is variadic at that position. An agent-call hint sits after the
call (`A.run(x)`, `A(x)`) or after the agent's name in a DAG stage (`x >> A`); its tooltip is the
prompt preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from nexa_lang import ast
from nexa_lang.analysis import Analysis
from nexa_lang.callees import CODE_KINDS, Calls, bind_arguments
from nexa_lang.positions import Span
from nexa_lang.prompt_preview import agent_calls, preview_call

# Callees whose parameter names are worth showing: code (flows, member functions, @tool fns,
# lambdas), declared tools and std functions; prelude functions are too familiar to annotate.
HINTED_KINDS = (*CODE_KINDS, "tool", "std")


class InlayKind(str, Enum):
    PARAMETER = "parameter"
    TOKENS = "tokens"


@dataclass(frozen=True)
class InlayHint:
    offset: int  # where the hint is shown (a byte offset of the source)
    label: str
    kind: InlayKind
    tooltip: str = ""  # markdown
    padding_left: bool = False
    padding_right: bool = False


def inlay_hints(analysis: Analysis, span: Span | None = None) -> list[InlayHint]:
    """Every hint of the file whose position lies in `span` (the whole file when None), in order."""
    hints = parameter_hints(analysis) + token_hints(analysis)
    if span is not None:
        hints = [h for h in hints if span.start <= h.offset <= span.end]
    return sorted(hints, key=lambda h: (h.offset, h.kind.value))


def parameter_hints(analysis: Analysis) -> list[InlayHint]:
    calls = Calls(analysis.program)
    hints = []
    for node in analysis.file.module.walk():
        if not isinstance(node, ast.Call) or not node.arguments:
            continue
        callee = calls.callee(node, analysis.file)
        if callee is None or callee.kind not in HINTED_KINDS:
            continue
        for argument, param in bind_arguments(callee, node.arguments).bound:
            if argument.name is not None or param.variadic:
                continue
            if isinstance(argument.value, ast.Name) and argument.value.id == param.name:
                continue
            hints.append(
                InlayHint(argument.span.start, f"{param.name}:", InlayKind.PARAMETER, padding_right=True)
            )
    return hints


def token_hints(analysis: Analysis) -> list[InlayHint]:
    hints = []
    for call in agent_calls(analysis):
        preview = preview_call(analysis, call)
        offset = call.name_span.end if call.is_stage else call.span.end
        hints.append(
            InlayHint(offset, preview.share.label(), InlayKind.TOKENS, preview.markdown(), padding_left=True)
        )
    return hints
