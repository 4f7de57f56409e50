"""Nexa grammar for tree-sitter.

    import tree_sitter, tree_sitter_nexa
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_nexa.language()))

The queries of grammar-ts/queries are available as ``HIGHLIGHTS_QUERY``, ``LOCALS_QUERY``,
``INJECTIONS_QUERY``, ``FOLDS_QUERY``, ``INDENTS_QUERY`` and ``TAGS_QUERY`` (read on first use),
through ``read_query("highlights")``, and as files under ``queries_dir()``.
"""

from pathlib import Path

from ._binding import language

__all__ = [
    "FOLDS_QUERY",
    "HIGHLIGHTS_QUERY",
    "INDENTS_QUERY",
    "INJECTIONS_QUERY",
    "LOCALS_QUERY",
    "TAGS_QUERY",
    "language",
    "queries_dir",
    "read_query",
]

_QUERY_CONSTANTS = {
    "FOLDS_QUERY": "folds",
    "HIGHLIGHTS_QUERY": "highlights",
    "INDENTS_QUERY": "indents",
    "INJECTIONS_QUERY": "injections",
    "LOCALS_QUERY": "locals",
    "TAGS_QUERY": "tags",
}

_PACKAGE_DIR = Path(__file__).resolve().parent


def queries_dir() -> Path:
    """The directory holding the grammar's ``*.scm`` query files.

    An installed wheel carries them in ``tree_sitter_nexa/queries``; an editable install or a source
    checkout reads them where they are kept, ``grammar-ts/queries``.
    """
    installed = _PACKAGE_DIR / "queries"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parents[2] / "queries"


def read_query(name: str) -> str:
    """The text of the query file ``<name>.scm`` (``name`` is e.g. ``"highlights"``)."""
    path = queries_dir() / f"{name}.scm"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = f"tree_sitter_nexa has no {name}.scm query (looked in {path.parent})"
        raise FileNotFoundError(message) from None


def __getattr__(name: str) -> str:
    query = _QUERY_CONSTANTS.get(name)
    if query is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    text = read_query(query)
    globals()[name] = text
    return text


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
