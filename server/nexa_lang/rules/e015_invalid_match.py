"""E015 invalid-match: a `match` mixing intent arms with pattern arms, or an arm with two guards.

Why: an intent match asks a model which description fits (L§5.10.1), a pattern match compares
values; one `match` cannot do both, and an arm guarded both before and after `=>` is ambiguous.
Example: `intent("asks about billing") => …` next to `"ping" => "pong"`. No fix: split the match.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, rule
from nexa_lang.model import Program


@rule("E015", "invalid-match")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        for node in file.nodes.of(ast.Match, ast.MatchArm):
            if isinstance(node, ast.Match):
                mixed = _first_minority_arm(node)
                if mixed is not None:
                    message = "a match cannot mix intent arms with pattern arms"
                    yield Diagnostic.error(mixed.span, message, path=file.path)
            elif isinstance(node, ast.MatchArm) and node.second_guard is not None:
                yield Diagnostic.error(
                    node.second_guard.span, "an arm may have only one guard", path=file.path
                )


def _first_minority_arm(match: ast.Match) -> ast.Node | None:
    """The first arm of the rarer kind (`_` arms belong to neither); on a tie, of the kind that
    appears second, since the first arm sets what the match is."""
    intents = [a for a in match.arms if isinstance(a, ast.IntentArm)]
    patterns = [
        a
        for a in match.arms
        if isinstance(a, ast.MatchArm) and not isinstance(a.pattern, ast.WildcardPattern)
    ]
    if not intents or not patterns:
        return None
    if len(intents) != len(patterns):
        return (intents if len(intents) < len(patterns) else patterns)[0]
    return max(intents[0], patterns[0], key=lambda arm: arm.span.start)
