"""The words of the language (spec §1.5), shared by lowering, completion and highlighting tests."""

RESERVED: frozenset[str] = frozenset(
    """
    agent tool protocol flow fn let struct enum trait impl include import
    if else for each in while loop until break continue return match try catch raise assert defer
    semantic_if and or not otherwise fallback await true false none null
    print spawn pass receive snapshot restore fork requires ensures
    autoloop with_context context_policy try_agent catch_correction reflect verify unharnessed
    before_step after_step on_error before_tool after_tool
    """.split()
)

# Keywords only in one position (§1.5.2); identifiers everywhere else.
CONTEXTUAL: frozenset[str] = frozenset(
    """
    type test job on perform on_failure server db kv auth
    static from cors middleware require_auth route semantic group
    GET POST PUT DELETE PATCH HEAD OPTIONS
    uses implements mcp intent against fast_match satisfies merge to as map
    """.split()
)

TYPE_NAMES: frozenset[str] = frozenset(
    "str string String int integer Int float number Float bool boolean Bool unit list array List"
    " dict object Dict Map map any Any Option Result".split()
)


def is_identifier(word: str) -> bool:
    """A WORD that is not reserved and not the single `_` (§1.4)."""
    return (
        bool(word)
        and (word[0].isascii() and (word[0].isalpha() or word[0] == "_"))
        and all(c.isascii() and (c.isalnum() or c == "_") for c in word)
        and word not in RESERVED
        and word != "_"
    )
