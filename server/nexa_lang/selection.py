"""Which codes are reported, and with which severity: selectors of diagnostics.md §14.2.

A selector is a code (`W001`), a rule name (`unused-declaration`), a code prefix (`W`, `E0`, `G00`)
or `ALL`. Selection is decided layer by layer (the configuration file, then the command line, then a
file's `per-file-ignores`); inside a layer the most specific matching selector decides a code and
`ignore` wins ties. A layer with `select` starts from nothing; a layer without it changes only the
codes its selectors match. Only static codes take part; runtime codes are always reported and E008
can be neither ignored nor re-severitied.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from nexa_lang.codes import CODES, SYNTAX_ERROR, Severity, lookup
from nexa_lang.diagnostics import Diagnostic

STATIC_CODES: tuple[str, ...] = tuple(code for code, info in CODES.items() if info.is_static)


class SelectorError(ValueError):
    """A selector that names no static code. `message_for(key)` words it as E202 does."""

    def __init__(self, selector: str, reason: str | None = None) -> None:
        self.selector = selector
        self.reason = reason  # None: the code does not exist
        super().__init__(reason or f"unknown code '{selector}'")

    def message_for(self, key: str) -> str:
        if self.reason is None:
            return f"unknown code '{self.selector}' in '{key}'"
        return f"invalid configuration value for '{key}': {self.reason}"


@dataclass(frozen=True, slots=True)
class Selector:
    text: str
    codes: frozenset[str]
    specificity: int  # ALL 0, a prefix its length, a code or rule name 4
    names_syntax_error: bool = False  # E008 written out (by code or name), not through a prefix


_PREFIX = re.compile(r"[A-Z][0-9]{0,3}")


def parse_selector(text: str) -> Selector:
    """The codes `text` selects; raises `SelectorError` when it selects no static code."""
    word = text.strip()
    if word.upper() == "ALL":
        return Selector(word, frozenset(STATIC_CODES), 0)
    info = lookup(word)
    if info is not None:
        if not info.is_static:
            raise SelectorError(
                word, f"'{word}' is a runtime or configuration code, which cannot be selected"
            )
        return Selector(word, frozenset({info.code}), len(info.code), info.code == SYNTAX_ERROR)
    prefix = word.upper()
    if not _PREFIX.fullmatch(prefix):
        raise SelectorError(word)
    matched = frozenset(code for code in STATIC_CODES if code.startswith(prefix))
    if not matched:
        if any(code.startswith(prefix) for code in CODES):
            raise SelectorError(
                word, f"'{word}' names only runtime or configuration codes, which cannot be selected"
            )
        raise SelectorError(word)
    return Selector(word, matched, len(prefix))


def parse_ignorable(text: str) -> Selector:
    """A selector used to ignore or re-severity codes: like `parse_selector`, but naming E008 is
    an error because syntax errors cannot be turned off."""
    selector = parse_selector(text)
    if selector.names_syntax_error:
        raise SelectorError(text, f"'{text}' (E008 syntax-error) cannot be ignored or changed")
    return selector


@dataclass(frozen=True, slots=True)
class SelectorLayer:
    """One source of select/ignore/extend-select (a config file, the command line)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


def resolve_selection(layers: Sequence[SelectorLayer], base: Iterable[str] = STATIC_CODES) -> frozenset[str]:
    """The static codes enabled after applying `layers` in order to `base` (default: all)."""
    enabled = set(base)
    for layer in layers:
        choices = [(parse_selector(s), True) for s in (layer.select or ())]
        choices += [(parse_selector(s), True) for s in layer.extend_select]
        choices += [(parse_ignorable(s), False) for s in layer.ignore]
        if layer.select is not None:
            enabled.clear()
        for code in STATIC_CODES:
            decision = _decide(code, choices)
            if decision is True:
                enabled.add(code)
            elif decision is False:
                enabled.discard(code)
    enabled.add(SYNTAX_ERROR)
    return frozenset(enabled)


def _decide(code: str, choices: Sequence[tuple[Selector, bool]]) -> bool | None:
    best = -1
    decision: bool | None = None
    for selector, turn_on in choices:
        if code not in selector.codes:
            continue
        if selector.specificity > best:
            best, decision = selector.specificity, turn_on
        elif selector.specificity == best and not turn_on:
            decision = False  # ignore wins at equal specificity
    return decision


def resolve_severities(overrides: Mapping[str, Severity]) -> dict[str, Severity]:
    """Per-code severities from `[lint.severity]`; the most specific selector decides a code."""
    chosen: dict[str, tuple[int, Severity]] = {}
    for text, severity in overrides.items():
        selector = parse_ignorable(text)
        for code in selector.codes:
            if code == SYNTAX_ERROR:
                continue
            if code not in chosen or selector.specificity >= chosen[code][0]:
                chosen[code] = (selector.specificity, severity)
    return {code: severity for code, (_, severity) in chosen.items()}


class HarnessMode(str, Enum):
    WARN = "warn"
    STRICT = "strict"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class FileIgnore:
    """One `per-file-ignores` entry: a glob relative to the configuration's directory."""

    pattern: str
    regex: re.Pattern[str]
    codes: frozenset[str]

    @classmethod
    def build(cls, pattern: str, selectors: Iterable[str]) -> FileIgnore:
        codes: set[str] = set()
        for text in selectors:
            codes |= parse_ignorable(text).codes
        codes.discard(SYNTAX_ERROR)
        return cls(pattern, compile_glob(pattern), frozenset(codes))

    def matches(self, relative_path: str) -> bool:
        if self.regex.fullmatch(relative_path):
            return True
        # A pattern without a slash also matches the file name alone, wherever the file is.
        return "/" not in self.pattern and bool(self.regex.fullmatch(relative_path.rsplit("/", 1)[-1]))


@dataclass(frozen=True)
class Selection:
    """The resolved lint settings: what to report and how severe it is."""

    enabled: frozenset[str] = frozenset(STATIC_CODES)
    severities: Mapping[str, Severity] | None = None
    file_ignores: tuple[FileIgnore, ...] = ()
    harness_mode: HarnessMode = HarnessMode.WARN
    root: Path | None = None  # the directory per-file-ignores globs are relative to

    def enabled_for(self, path: str | None) -> frozenset[str]:
        """The static codes reported for `path`."""
        ignored = self._ignored_for(path)
        enabled = self.enabled - ignored if ignored else self.enabled
        if self.harness_mode is HarnessMode.OFF:
            enabled = frozenset(code for code in enabled if not code.startswith("H"))
        return enabled

    def is_enabled(self, code: str, path: str | None) -> bool:
        info = CODES.get(code)
        if info is None or not info.is_static or code == SYNTAX_ERROR:
            return True
        return code in self.enabled_for(path)

    def severity_of(self, code: str, default: Severity) -> Severity:
        info = CODES.get(code)
        if info is None or not info.is_static or code == SYNTAX_ERROR:
            return default
        severity = default
        if info.strict_severity is not None and self.harness_mode is HarnessMode.STRICT:
            severity = info.strict_severity
        if self.severities and code in self.severities:
            severity = self.severities[code]
        return severity

    def apply(self, diagnostics: Iterable[Diagnostic], path: str | None) -> list[Diagnostic]:
        """The diagnostics that are enabled for `path`, with configured severities."""
        enabled = self.enabled_for(path)
        kept = []
        for diagnostic in diagnostics:
            info = CODES.get(diagnostic.code)
            if info is not None and info.is_static and diagnostic.code != SYNTAX_ERROR:
                if diagnostic.code not in enabled:
                    continue
                severity = self.severity_of(diagnostic.code, diagnostic.severity)
                if severity is not diagnostic.severity:
                    diagnostic = diagnostic.with_(severity=severity)
            kept.append(diagnostic)
        return kept

    def _ignored_for(self, path: str | None) -> frozenset[str]:
        if not self.file_ignores or path is None:
            return frozenset()
        relative = relative_to_root(path, self.root)
        ignored: set[str] = set()
        for entry in self.file_ignores:
            if entry.matches(relative):
                ignored |= entry.codes
        return frozenset(ignored)


def relative_to_root(path: str, root: Path | None) -> str:
    """`path` relative to `root` with forward slashes (the form globs are matched against)."""
    absolute = os.path.abspath(path)
    if root is not None:
        relative = os.path.relpath(absolute, os.path.abspath(root))
        if not relative.startswith(os.pardir):
            absolute = relative
    return absolute.replace(os.sep, "/")


def compile_glob(pattern: str) -> re.Pattern[str]:
    """A regex for a path glob: `*` and `?` stay inside one path segment, `**` spans segments,
    `[...]` is a character class (`[!...]` negated)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (close := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : close]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out))
