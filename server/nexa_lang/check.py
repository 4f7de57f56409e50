"""The checker's entry point: source text in, sorted diagnostics out.

`nexa-lsp --check`, the language server and `nexa run`'s compile step all call `check_source`, so
they report the same diagnostics for the same text (ARCHITECTURE.md). The steps:

1. parse with tree-sitter and report E008 for every syntax error;
2. build the semantic model and run the registered rules on it (see `build_model`: the model does
   not exist yet, so today no rule runs);
3. drop rule diagnostics inside ERROR nodes (diagnostics.md §2.6);
4. keep what the configuration selects, with its severities (§14.2);
5. apply suppression comments and add M001 for unused ones (§13);
6. sort by file, start, code (§1.4).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tree_sitter import Tree

from nexa_lang.codes import SYNTAX_ERROR
from nexa_lang.config import Settings
from nexa_lang.diagnostics import Diagnostic, registered_rules, run_rules, sort_diagnostics
from nexa_lang.fixes import apply_fixes
from nexa_lang.parsing import parse
from nexa_lang.positions import LineIndex, Span
from nexa_lang.suppressions import apply_suppressions, comments_of_tree, parse_suppressions
from nexa_lang.syntax_errors import error_spans, syntax_errors

RULES_PACKAGE = "nexa_lang.rules"


@dataclass
class ParsedFile:
    """One parsed source file: what a model builder and the server start from."""

    path: str | None
    source: bytes  # UTF-8; every offset of the tree and of every diagnostic indexes these bytes
    tree: Tree
    index: LineIndex
    error_spans: list[Span] = field(default_factory=list)  # outermost ERROR nodes

    @property
    def has_syntax_errors(self) -> bool:
        return self.tree.root_node.has_error

    def inside_error(self, span: Span) -> bool:
        return any(error.contains(span) for error in self.error_spans)


def parse_file(text: str, path: str | None = None) -> ParsedFile:
    source = text.encode("utf-8")
    tree = parse(source)
    return ParsedFile(path, source, tree, LineIndex.of(source), error_spans(tree))


def build_model(parsed: ParsedFile, settings: Settings) -> Any | None:
    """The semantic model the rules read, or None when there is none.

    HOOK for the AST/semantic model (server/nexa_lang/ast*.py, lowering, symbols), which is not
    written yet: until it is, this returns None and no rule runs, so `check_source` reports only
    E008 and M001. When the model lands, build it here from `parsed` (and, for programs spanning
    several files, from the files it includes) and return it; every registered rule then receives
    it. `settings` carries what rules need from the configuration (sandbox, harness mode, providers).
    """
    return None


@cache
def load_rules() -> None:
    """Import every module of `nexa_lang.rules` so that their `@rule` decorators register them."""
    try:
        package = importlib.import_module(RULES_PACKAGE)
    except ModuleNotFoundError as error:
        if error.name == RULES_PACKAGE:
            return  # no rules written yet
        raise
    for module in pkgutil.walk_packages(package.__path__, RULES_PACKAGE + "."):
        importlib.import_module(module.name)


def check_source(text: str, path: str | None = None, settings: Settings | None = None) -> list[Diagnostic]:
    """Every diagnostic of `text` (the contents of the file `path`), sorted."""
    return check_parsed(parse_file(text, path), settings)


def check_parsed(parsed: ParsedFile, settings: Settings | None = None) -> list[Diagnostic]:
    settings = settings if settings is not None else Settings()
    selection = settings.selection
    path = parsed.path

    found = syntax_errors(parsed.tree, parsed.source, parsed.index)
    model = build_model(parsed, settings)
    checked: set[str] = set()  # codes whose rules ran: only their suppressions can be judged unused
    if model is not None:
        load_rules()
        rules = registered_rules(selection.enabled_for(path))
        checked = {r.code for r in rules}
        found.extend(d for d in run_rules(model, rules) if not _lost_in_error(d, parsed))
    found = [d if d.path is not None else d.with_(path=path) for d in found]

    found = selection.apply(found, path)
    comments = comments_of_tree(parsed.tree, parsed.index)
    suppressions = parse_suppressions(comments, parsed.index)
    if suppressions:
        found = apply_suppressions(
            found,
            suppressions,
            parsed.index,
            path=path,
            is_enabled=lambda code: code in checked,
            judge_blanket=model is not None,
        )
        found = selection.apply(found, path)  # severities of the M001 just added
    return sort_diagnostics(found)


def _lost_in_error(diagnostic: Diagnostic, parsed: ParsedFile) -> bool:
    # §2.6: rules still run on the recovered tree, but what they say inside skipped text is noise.
    if diagnostic.code == SYNTAX_ERROR or (diagnostic.path not in (None, parsed.path)):
        return False
    return parsed.inside_error(diagnostic.span)


@dataclass(frozen=True)
class FixOutcome:
    text: str  # the fixed text (the input when nothing applied)
    fixed: list[Diagnostic]  # every diagnostic fixed, over all rounds
    remaining: list[Diagnostic]  # the diagnostics of the fixed text


def fix_source(
    text: str,
    path: str | None = None,
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    max_rounds: int = 10,
) -> FixOutcome:
    """Apply fixes until none applies (fixes that overlap wait for the next round), then re-check."""
    fixed: list[Diagnostic] = []
    diagnostics = check_source(text, path, settings)
    for _ in range(max_rounds):
        applied = apply_fixes(text, diagnostics, unsafe=unsafe)
        if not applied.changed or applied.text == text:
            break
        fixed.extend(applied.fixed)
        text = applied.text
        diagnostics = check_source(text, path, settings)
    return FixOutcome(text, fixed, diagnostics)
