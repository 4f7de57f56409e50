"""The output formats of `nexa-lsp --check`: full, concise, json, github, junit (and sarif, in
`nexa_lsp.sarif`).

Every format shows 1-based lines and 1-based columns counted in Unicode code points (end
exclusive), so CJK text before a diagnostic keeps its column right (diagnostics.md §1.5). Positions
are converted by `nexa_lang.positions`, once, here at the edge.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nexa_lang.codes import Severity
from nexa_lang.diagnostics import Diagnostic, code_url
from nexa_lang.fixes import applicable_fix
from nexa_lang.positions import LineIndex, Position, Span, Unit
from nexa_lsp.batch import FileResult


@dataclass(frozen=True)
class Located:
    """A diagnostic with the positions its report shows."""

    diagnostic: Diagnostic
    filename: str
    start: Position  # 1-based line and code-point column
    end: Position  # exclusive
    index: LineIndex

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.filename, self.start.line, self.start.column, self.diagnostic.code)


class Indexes:
    """Line indexes of the checked texts, and of other files that related information points to."""

    def __init__(self, results: list[FileResult]) -> None:
        self._texts = {r.shown: r.text for r in results if r.text is not None}
        self._by_name: dict[str, LineIndex] = {}  # made when a file first has something to show

    def of(self, filename: str) -> LineIndex | None:
        if filename not in self._by_name:
            text = self._texts.get(filename)
            try:
                self._by_name[filename] = LineIndex(text if text is not None else Path(filename).read_bytes())
            except OSError:
                return None
        return self._by_name[filename]


def position_range(index: LineIndex, span: Span) -> tuple[Position, Position]:
    return index.span_positions(span, Unit.CODEPOINT, line_base=1, column_base=1)


def locate(results: list[FileResult], indexes: Indexes) -> list[Located]:
    """Every diagnostic of `results`, positioned and sorted by filename, row, column, code."""
    located = []
    for result in results:
        for diagnostic in result.diagnostics:
            filename = diagnostic.path or result.shown
            index = indexes.of(filename)
            if index is None:
                continue
            start, end = position_range(index, diagnostic.span)
            located.append(Located(diagnostic, filename, start, end, index))
    return sorted(located, key=lambda item: item.sort_key)


def headline(item: Located) -> str:
    d = item.diagnostic
    return f"{item.filename}:{item.start.line}:{item.start.column}: {d.code} {d.message}"


# --- text ----------------------------------------------------------------------------------------

_COLOURS = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;34m",
    Severity.HINT: "\x1b[1;36m",
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def report_concise(items: list[Located], results: list[FileResult], colour: bool = False) -> str:
    return "".join(headline(item) + "\n" for item in items)


def report_full(items: list[Located], results: list[FileResult], colour: bool = False) -> str:
    def paint(style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if colour else text

    out: list[str] = []
    for item in items:
        d = item.diagnostic
        style = _COLOURS[d.severity]
        location = paint(_BOLD, f"{item.filename}:{item.start.line}:{item.start.column}:")
        out.append(f"{location} {paint(style, d.code)} {d.message}\n")
        out.extend(_source_excerpt(item, paint, style))
        for related in d.related:
            filename = related.path or item.filename
            index = item.index if related.path is None else _index_of_file(filename)
            where = filename
            if index is not None:
                start, _ = position_range(index, related.span)
                where = f"{filename}:{start.line}:{start.column}"
            out.append(f"{paint(_DIM, '  = related:')} {where}: {related.message}\n")
        fix = applicable_fix(d, unsafe=True)
        if fix is not None:
            out.append(f"{paint(_DIM, '  = fix (' + fix.safety.value + '):')} {fix.title}\n")
        out.append("\n")
    summary = summarize(items, results)
    if summary:
        out.append(summary + "\n")
    return "".join(out)


def _index_of_file(filename: str) -> LineIndex | None:
    try:
        return LineIndex(Path(filename).read_bytes())
    except OSError:
        return None


def _source_excerpt(item: Located, paint: Callable[[str, str], str], style: str) -> list[str]:
    """The diagnostic's first line and a caret underline aligned in terminal columns (CJK and
    emoji are two columns wide; tabs are kept so that they expand alike)."""
    index = item.index
    line = item.start.line - 1
    text = index.line_text(line)
    start_column = item.start.column - 1
    end_column = item.end.column - 1 if item.end.line == item.start.line else len(text)
    gutter = str(item.start.line)
    before = text[:start_column]
    if before.isascii():  # most lines: every character but a tab is one column
        prefix = _NOT_TAB.sub(" ", before)
    else:
        prefix = "".join("\t" if char == "\t" else " " * display_width(char) for char in before)
    width = max(1, display_width(text[start_column:end_column]))
    pad = " " * len(gutter)
    return [
        f" {paint(_DIM, gutter + ' |')} {text}\n",
        f" {paint(_DIM, pad + ' |')} {prefix}{paint(style, '^' * width)}\n",
    ]


_NOT_TAB = re.compile(r"[^\t]")


def display_width(text: str) -> int:
    """Terminal columns of `text`: wide (CJK) characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def summarize(items: list[Located], results: list[FileResult]) -> str:
    fixed = sum(len(r.fixed) for r in results)
    if not items and not fixed:
        return ""
    counts: dict[Severity, int] = {}
    for item in items:
        counts[item.diagnostic.severity] = counts.get(item.diagnostic.severity, 0) + 1
    parts = [f"{n} {severity.value}{'s' if n != 1 else ''}" for severity, n in counts.items()]
    files = len({item.filename for item in items})
    found = f"Found {len(items)} diagnostic{'s' if len(items) != 1 else ''}"
    if items:
        found += f" ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}"
    if fixed:
        found += f"; fixed {fixed}"
    return found + "."


# --- machine formats ------------------------------------------------------------------------------


def _point(position: Position) -> dict[str, int]:
    return {"row": position.line, "column": position.column}


def json_record(item: Located) -> dict[str, Any]:
    d = item.diagnostic
    fix = applicable_fix(d, unsafe=True)
    record: dict[str, Any] = {
        "filename": item.filename,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "location": _point(item.start),
        "end_location": _point(item.end),
        "fix": None,
        "related": [],
        "tags": sorted(t.value for t in d.tags),
        "url": code_url(d.code),
    }
    if fix is not None:
        edits = []
        for edit in fix.edits:
            start, end = position_range(item.index, edit.span)
            edits.append({"content": edit.new_text, "location": _point(start), "end_location": _point(end)})
        record["fix"] = {"title": fix.title, "applicability": fix.safety.value, "edits": edits}
    for related in d.related:
        filename = related.path or item.filename
        index = item.index if related.path is None else _index_of_file(filename)
        entry: dict[str, Any] = {"filename": filename, "message": related.message}
        if index is not None:
            start, end = position_range(index, related.span)
            entry["location"], entry["end_location"] = _point(start), _point(end)
        record["related"].append(entry)
    return record


def report_json(items: list[Located], results: list[FileResult], colour: bool = False) -> str:
    """An array with one diagnostic a line: as easy to read and grep as an indented dump, and
    made by json's C encoder (indentation makes it fall back to its pure-Python one, 5x slower)."""
    if not items:
        return "[]\n"
    encode = json.JSONEncoder(ensure_ascii=False).encode
    return "[\n  " + ",\n  ".join(encode(json_record(item)) for item in items) + "\n]\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def report_github(items: list[Located], results: list[FileResult], colour: bool = False) -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic."""
    lines = []
    for item in items:
        d = item.diagnostic
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", item.filename),
                ("line", item.start.line),
                ("col", item.start.column),
                ("endLine", item.end.line),
                ("endColumn", item.end.column),
                ("title", d.code),
            )
        )
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {properties}::{_escape_data(f'{d.code} {d.message}')}\n")
    return "".join(lines)


def report_junit(items: list[Located], results: list[FileResult], colour: bool = False) -> str:
    """JUnit XML: one test case per checked file, one failure per diagnostic."""
    by_file: dict[str, list[Located]] = {}
    for item in items:
        by_file.setdefault(item.filename, []).append(item)
    checked = sorted({r.shown for r in results if r.problem is None} | set(by_file))
    failures = len(items)
    suites = ElementTree.Element(
        "testsuites", name="nexa-lsp", tests=str(len(checked)), failures=str(failures)
    )
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name="nexa-lsp --check",
        tests=str(len(checked)),
        failures=str(failures),
        errors="0",
    )
    for filename in checked:
        case = ElementTree.SubElement(suite, "testcase", name=filename, classname=_classname(filename))
        for item in by_file.get(filename, []):
            d = item.diagnostic
            failure = ElementTree.SubElement(
                case, "failure", type=d.code, message=f"{item.start.line}:{item.start.column}: {d.message}"
            )
            failure.text = headline(item)
    ElementTree.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
    )


def _classname(filename: str) -> str:
    return os.path.splitext(filename)[0].replace(os.sep, ".").replace("/", ".")
