"""The diagnostic model of diagnostics.md §1 and the registry of rules.

A diagnostic stores its range as byte offsets of the source (`Span`); lines and columns are made
only at the edge, by `nexa_lang.positions`. A rule is a function from the semantic model to
diagnostics, registered with `@rule(code, name)`; the registry stamps each diagnostic it yields with
the rule's code and name, so a rule writes only the range, the message and the fixes:

    @rule("E004", "duplicate-declaration")
    def check(program: Program) -> Iterator[Diagnostic]:
        yield Diagnostic.error(name_node, "duplicate declaration of 'W'; first declared at line 1")
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, TypeVar

from nexa_lang.codes import CODES, CodeInfo, Severity, Tag, lookup
from nexa_lang.positions import Span, SpanLike

__all__ = [
    "Diagnostic",
    "Edit",
    "Fix",
    "Related",
    "Rule",
    "Safety",
    "Severity",
    "Tag",
    "registered_rules",
    "rule",
    "run_rules",
    "sort_diagnostics",
    "unregister",
]

log = logging.getLogger(__name__)


class Safety(str, Enum):
    SAFE = "safe"  # keeps the program's meaning: applied by `--fix` and "fix all"
    UNSAFE = "unsafe"  # changes meaning: code action only, or `--unsafe-fixes`


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the bytes [start, end) of the source with `new_text`."""

    start: int
    end: int
    new_text: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safety: Safety = Safety.SAFE

    @property
    def is_safe(self) -> bool:
        return self.safety is Safety.SAFE

    @classmethod
    def replace(cls, span: SpanLike, new_text: str, title: str, safety: Safety = Safety.SAFE) -> Fix:
        where = Span.of(span)
        return cls(title, (Edit(where.start, where.end, new_text),), safety)

    @classmethod
    def delete(cls, span: SpanLike, title: str, safety: Safety = Safety.SAFE) -> Fix:
        return cls.replace(span, "", title, safety)

    @classmethod
    def insert(cls, offset: int, text: str, title: str, safety: Safety = Safety.SAFE) -> Fix:
        return cls(title, (Edit(offset, offset, text),), safety)

    @classmethod
    def unsafe_rename(cls, span: SpanLike, new_name: str) -> Fix:
        return cls.replace(span, new_name, f"rename to '{new_name}'", Safety.UNSAFE)


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a diagnostic; `path` None means the diagnostic's own file."""

    span: Span
    message: str
    path: str | None = None

    def __init__(self, span: SpanLike, message: str, path: str | None = None) -> None:
        object.__setattr__(self, "span", Span.of(span))
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "path", path)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. `code` and `name` are filled in by the rule registry when a rule yields it."""

    span: Span
    message: str
    severity: Severity
    code: str = ""
    name: str = ""
    path: str | None = None
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()
    tags: frozenset[Tag] = field(default_factory=frozenset)

    source = "nexa"

    # --- constructors ------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        severity: Severity,
        span: SpanLike,
        message: str,
        *,
        code: str = "",
        related: Iterable[Related] = (),
        fix: Fix | None = None,
        fixes: Iterable[Fix] = (),
        tags: Iterable[Tag] = (),
        path: str | None = None,
    ) -> Diagnostic:
        info = CODES.get(code) if code else None
        return cls(
            span=Span.of(span),
            message=message,
            severity=severity,
            code=code,
            name=info.name if info else "",
            path=path,
            related=tuple(related),
            fixes=((fix,) if fix else ()) + tuple(fixes),
            tags=frozenset(tags) | (info.tags if info else frozenset()),
        )

    @classmethod
    def error(cls, span: SpanLike, message: str, **options: Any) -> Diagnostic:
        return cls.create(Severity.ERROR, span, message, **options)

    @classmethod
    def warning(cls, span: SpanLike, message: str, **options: Any) -> Diagnostic:
        return cls.create(Severity.WARNING, span, message, **options)

    @classmethod
    def info(cls, span: SpanLike, message: str, **options: Any) -> Diagnostic:
        return cls.create(Severity.INFO, span, message, **options)

    @classmethod
    def hint(cls, span: SpanLike, message: str, **options: Any) -> Diagnostic:
        return cls.create(Severity.HINT, span, message, **options)

    @classmethod
    def for_code(cls, code: str, span: SpanLike, message: str, **options: Any) -> Diagnostic:
        """A diagnostic of `code` with the code's default severity from the table."""
        return cls.create(CODES[code].severity, span, message, code=code, **options)

    # --- derived values ----------------------------------------------------------------------

    @property
    def code_info(self) -> CodeInfo | None:
        return CODES.get(self.code)

    @property
    def url(self) -> str:
        return code_url(self.code)

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.path or "", self.span.start, self.code)

    def with_(self, **changes: Any) -> Diagnostic:
        return replace(self, **changes)

    def stamped(self, info: CodeInfo) -> Diagnostic:
        """This diagnostic with the code, name and tags of `info` where the rule left them empty."""
        if self.code and self.code != info.code:
            other = CODES.get(self.code)
            return replace(self, name=other.name if other else self.name, tags=self.tags | _tags(other))
        return replace(self, code=info.code, name=info.name, tags=self.tags | info.tags)


def _tags(info: CodeInfo | None) -> frozenset[Tag]:
    return info.tags if info else frozenset()


def docs_url() -> str:
    """Where diagnostic links point: NEXA_DOCS_URL (a published copy) when set, else the reference
    shipped in this package (nexa_lang/docs/diagnostics.md, made by nexa_lang.rule_reference)."""
    return os.environ.get("NEXA_DOCS_URL") or _shipped_reference_uri()


@functools.cache
def _shipped_reference_uri() -> str:
    # Resolving the path walks the file system: once a process, not once a diagnostic.
    from nexa_lang.rule_reference import REFERENCE_PATH

    return REFERENCE_PATH.resolve().as_uri()


def code_url(code: str) -> str:
    """Where a code is documented: its heading in the reference (§1.1 `codeDescription`)."""
    info = CODES.get(code)
    return f"{docs_url()}#{info.url_fragment}" if info else docs_url()


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, then start offset, then code (§1.4)."""
    return sorted(diagnostics, key=lambda d: d.sort_key)


# --- the rule registry -----------------------------------------------------------------------

Model = Any  # the semantic model a rule reads (nexa_lang's Program, once it exists)
RuleFunction = Callable[[Model], Iterable[Diagnostic]]
F = TypeVar("F", bound=RuleFunction)


@dataclass(frozen=True, slots=True)
class Rule:
    info: CodeInfo
    check: RuleFunction  # the undecorated function

    @property
    def code(self) -> str:
        return self.info.code

    @property
    def name(self) -> str:
        return self.info.name

    def run(self, model: Model) -> Iterator[Diagnostic]:
        for diagnostic in self.check(model):
            yield diagnostic.stamped(self.info)


_RULES: dict[str, list[Rule]] = {}


def rule(code: str, name: str) -> Callable[[F], F]:
    """Register a rule function for `code`, whose name must be the table's name for it.

    The decorated function, when called directly, yields stamped diagnostics too. Several functions
    may share one code (for example W007 for properties and for template filters).
    """
    info = lookup(code)
    if info is None or info.code != code:
        raise ValueError(f"@rule: unknown code {code!r}; codes live in nexa_lang.codes")
    if info.name != name:
        raise ValueError(f"@rule({code!r}): the table names it {info.name!r}, not {name!r}")
    if not info.is_static:
        raise ValueError(f"@rule({code!r}): runtime and configuration codes are not checker rules")

    def register(function: F) -> F:
        registered = Rule(info, function)
        rules = _RULES.setdefault(code, [])
        # Re-importing a module (tests, reloads) replaces its earlier registration.
        rules[:] = [r for r in rules if _qualname(r.check) != _qualname(function)]
        rules.append(registered)

        @functools.wraps(function)
        def stamped(model: Model) -> Iterator[Diagnostic]:
            return registered.run(model)

        return stamped  # type: ignore[return-value]

    return register


def unregister(code: str, function: Callable[..., object]) -> None:
    """Remove the registration of `function` (decorated or not) for `code` (tests, reloads)."""
    rules = _RULES.get(code, [])
    rules[:] = [r for r in rules if _qualname(r.check) != _qualname(function)]


def _qualname(function: Callable[..., object]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def registered_rules(codes: Iterable[str] | None = None) -> list[Rule]:
    """Registered rules in code order, optionally only those of `codes`."""
    wanted = None if codes is None else set(codes)
    return [r for code in sorted(_RULES) if wanted is None or code in wanted for r in _RULES[code]]


def run_rules(model: Model, rules: Sequence[Rule]) -> list[Diagnostic]:
    """Every diagnostic of `rules` on `model`.

    A rule that raises is an internal failure: its traceback goes to the log and the other rules
    still run, so one broken rule never hides the rest.
    """
    found: list[Diagnostic] = []
    for registered in rules:
        try:
            found.extend(registered.run(model))
        except Exception:
            log.exception("rule %s (%s) failed", registered.code, registered.name)
    return found
