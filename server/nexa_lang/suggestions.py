""" "Did you mean" suggestions (diagnostics.md §1.5).

The closest candidate by edit distance: at most 1 for names of up to 4 characters, at most 2
otherwise; ties are broken by the candidates' order (source order, for the callers that pass it).
"""

from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance of `a` and `b`; stops early once every path exceeds `limit`."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def allowed_distance(name: str) -> int:
    return 1 if len(name) <= 4 else 2


def closest_name(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `name` within the allowed distance, or None."""
    limit = allowed_distance(name)
    best: str | None = None
    best_distance = limit + 1
    for candidate in candidates:
        if candidate == name or abs(len(candidate) - len(name)) > limit:
            continue  # the distance is at least the difference in length
        distance = edit_distance(name, candidate, limit)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def same_words_reordered(name: str, candidates: Iterable[str]) -> str | None:
    """The first candidate made of the same `_`-separated words as `name` in another order
    (`parse_json` → `json_parse`), or None. Edit distance misses such swaps entirely."""
    words = sorted(name.split("_"))
    if len(words) < 2:
        return None
    return next((c for c in candidates if c != name and sorted(c.split("_")) == words), None)
