"""G008 intent-match-without-default: an intent `match` with no `_` arm.

Why: when the judge picks no intent the match silently yields `none` (L§5.10.1; the VM writes E107).
Example: `match msg { intent("wants to buy") => Sales.run(msg) }`.
Fix (unsafe) "Add a default arm": appends `_ => none` as the last arm.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program, SourceFile
from nexa_lang.positions import Span

MESSAGE = "intent match without a '_' arm: unmatched input gives none"


@rule("G008", "intent-match-without-default")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.Match):
            if isinstance(node, ast.Match) and node.is_intent_match and not _has_default(node):
                yield Diagnostic.warning(
                    Span(node.span.start, node.subject.span.end),
                    MESSAGE,
                    path=file.path,
                    fix=_add_default_arm(file, node),
                )


def _has_default(match: ast.Match) -> bool:
    return any(
        isinstance(arm, ast.MatchArm) and isinstance(arm.pattern, ast.WildcardPattern) for arm in match.arms
    )


def _add_default_arm(file: SourceFile, match: ast.Match) -> Fix | None:
    """`_ => none` after the last arm, on its own line with the last arm's indentation."""
    if not match.arms:
        return None
    last = match.arms[-1]
    end = last.span.end
    rest = file.source[end:]
    comma = rest.lstrip().startswith(b",")
    if comma:
        end += len(rest) - len(rest.lstrip()) + 1
    line_start = file.source.rfind(b"\n", 0, last.span.start) + 1
    indent = file.source[line_start : last.span.start].decode("utf-8", errors="replace")
    if indent.strip():  # the arm shares its line with other text: stay on that line
        text = " _ => none" if comma else ", _ => none"
    else:
        text = f"\n{indent}_ => none" if comma else f",\n{indent}_ => none"
    return Fix.insert(end, text, "Add a default arm", Safety.UNSAFE)
