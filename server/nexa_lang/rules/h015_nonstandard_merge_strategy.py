"""H015 nonstandard-merge-strategy: a fork's merge strategy is not `best_of`, `best`, `vote`,
`first`, `all` or `weighted_average`.

Why: an unknown strategy behaves as `best_of` (L§7.10.5), which is probably not what the word
says. Range: the word.
Example: `fork [A.run(q), B.run(q)] merge majority`.
Fix (unsafe): replace with the closest standard strategy: a word with a known meaning maps to
the strategy that has it (`majority` → `vote`, `average` → `weighted_average`), any other word to
the strategy nearest by edit distance.
"""

from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.rules.harnessed import harnessed_of
from nexa_lang.suggestions import edit_distance

STRATEGIES = ("best_of", "best", "vote", "first", "all", "weighted_average")
# Words whose meaning names a standard strategy better than their spelling does.
SYNONYMS = {
    "majority": "vote",
    "majority_vote": "vote",
    "consensus": "vote",
    "voting": "vote",
    "plurality": "vote",
    "average": "weighted_average",
    "mean": "weighted_average",
    "weighted": "weighted_average",
    "weighted_mean": "weighted_average",
    "highest": "best_of",
    "max": "best_of",
    "top": "best_of",
    "fastest": "first",
    "race": "first",
    "any": "first",
    "collect": "all",
    "every": "all",
    "list": "all",
}


@rule("H015", "nonstandard-merge-strategy")
def check(program: Program) -> Iterator[Diagnostic]:
    for file, node in harnessed_of(program, ast.Fork):
        assert isinstance(node, ast.Fork)
        word = node.strategy
        if not word or word in STRATEGIES:
            continue
        candidate = closest_strategy(word)
        fix = Fix.replace(node.strategy_span, candidate, f"Change to '{candidate}'", Safety.UNSAFE)
        yield Diagnostic.warning(
            node.strategy_span, f"unknown merge strategy '{word}'; best_of is used", path=file.path, fix=fix
        )


def closest_strategy(word: str) -> str:
    """The standard strategy meant by `word`: a synonym's, else the nearest by edit distance
    (ties to the earlier one in `STRATEGIES`)."""
    lowered = word.lower()
    if lowered in STRATEGIES:
        return lowered
    if lowered in SYNONYMS:
        return SYNONYMS[lowered]
    return min(STRATEGIES, key=lambda s: edit_distance(lowered, s))
