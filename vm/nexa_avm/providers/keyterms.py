"""The key-term rule of the offline judge (stdlib §4.5.4) and the offline similarity (§4.5.6).

Both texts are case-folded. A text's terms are its quoted parts when it has any; otherwise its
words of 3+ letters/digits that are not stop words, plus every pair of neighbouring CJK ideographs.
"""

from __future__ import annotations

from collections.abc import Sequence

STOP_WORDS = frozenset(
    """the and for with that this from into about have has are was were will would should could
    must not its their there what when where which who why how input output text content data
    contains contain containing mentions mention include includes including value result""".split()
)

# Opening and closing marks of a quoted part. A straight single quote counts only at word edges, so
# the apostrophes of "user's" or "isn't" do not open a quotation (docs/decisions-providers.md).
_QUOTE_PAIRS = {"'": "'", '"': '"', "\u201c": "\u201d"}


def is_cjk_ideograph(character: str) -> bool:
    code = ord(character)
    return 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF


def quoted_parts(text: str) -> list[str]:
    """Non-empty parts of `text` between '…', "…" or “…”, in order."""
    parts: list[str] = []
    position = 0
    while position < len(text):
        mark = text[position]
        closing = _QUOTE_PAIRS.get(mark)
        if closing is None or (mark == "'" and _is_word_character(text, position - 1)):
            position += 1
            continue
        end = _find_closing(text, closing, position + 1)
        if end < 0:
            position += 1
            continue
        if end > position + 1:
            parts.append(text[position + 1 : end])
        position = end + 1
    return parts


def _find_closing(text: str, closing: str, start: int) -> int:
    end = text.find(closing, start)
    if closing == "'":
        while end >= 0 and _is_word_character(text, end + 1):
            end = text.find(closing, end + 1)
    return end


def _is_word_character(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalnum()


def key_terms(text: str) -> frozenset[str]:
    """The terms of a condition or label text, case-folded (stdlib §4.5.4 (a)–(c))."""
    folded = text.casefold()
    quoted = quoted_parts(folded)
    if quoted:
        return frozenset(quoted)
    terms: set[str] = set()
    for run in _alphanumeric_runs(folded):
        if any(is_cjk_ideograph(c) for c in run):
            terms.update(_ideograph_pairs(run))
        elif len(run) >= 3 and run not in STOP_WORDS:
            terms.add(run)
    return frozenset(terms)


def _alphanumeric_runs(text: str) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for character in text:
        if character.isalnum():
            current.append(character)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _ideograph_pairs(run: str) -> set[str]:
    """Neighbouring pairs within each maximal run of CJK ideographs (`查询天气` → 查询, 询天, 天气)."""
    pairs: set[str] = set()
    for left, right in zip(run, run[1:], strict=False):
        if is_cjk_ideograph(left) and is_cjk_ideograph(right):
            pairs.add(left + right)
    return pairs


def condition_holds(condition: str, target: str) -> bool:
    """True when one of the condition's terms occurs in the target; no terms means false."""
    folded_target = target.casefold()
    return any(term in folded_target for term in key_terms(condition))


def label_score(label_text: str, target: str) -> int:
    """How many distinct terms of "label + description" occur in the target."""
    folded_target = target.casefold()
    return sum(1 for term in key_terms(label_text) if term in folded_target)


def choose_label(labels: Sequence[tuple[str, str]], target: str) -> str | None:
    """The (name, description) with the highest score above 0, earliest on ties; else None."""
    best_name: str | None = None
    best_score = 0
    for name, description in labels:
        score = label_score(f"{name} {description}".strip(), target)
        if score > best_score:
            best_name, best_score = name, score
    return best_name


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' key-term sets (`cache: "smart"`, stdlib §4.5.6)."""
    terms_a, terms_b = key_terms(first), key_terms(second)
    union = terms_a | terms_b
    if not union:
        # No terms on either side: only the same text counts as similar.
        return 1.0 if first.casefold() == second.casefold() else 0.0
    return len(terms_a & terms_b) / len(union)
