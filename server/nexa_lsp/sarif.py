"""`--output-format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format).

Columns are counted in Unicode code points (`columnKind: unicodeCodePoints`), lines and columns
start at 1 and region ends are exclusive, as SARIF defines them. File names are relative URIs
against `%SRCROOT%`, the working directory, which `originalUriBaseIds` gives as a `file:` URI.
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nexa_lang.codes import CODES, Severity
from nexa_lang.diagnostics import code_url
from nexa_lang.fixes import applicable_fix
from nexa_lsp.batch import FileResult
from nexa_lsp.reports import Located, position_range

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def _version() -> str:
    try:
        return metadata.version("nexa-suite")
    except metadata.PackageNotFoundError:
        return "0"


def artifact_location(filename: str) -> dict[str, str]:
    relative = filename if not os.path.isabs(filename) else os.path.relpath(filename)
    if relative.startswith(".."):
        return {"uri": Path(os.path.abspath(filename)).as_uri()}
    return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": SOURCE_ROOT}


def _region(start: Any, end: Any) -> dict[str, int]:
    return {
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    }


def _is_absolute_uri(url: str) -> bool:
    return "://" in url


def report_sarif(items: list[Located], results: list[FileResult], colour: bool = False) -> str:
    codes = sorted({item.diagnostic.code for item in items})
    rule_index = {code: position for position, code in enumerate(codes)}
    rules = []
    for code in codes:
        info = CODES.get(code)
        descriptor: dict[str, Any] = {"id": code}
        if info is not None:
            descriptor["name"] = info.name
            descriptor["shortDescription"] = {"text": info.summary}
            descriptor["defaultConfiguration"] = {"level": _LEVELS[info.severity]}
        if _is_absolute_uri(code_url(code)):
            descriptor["helpUri"] = code_url(code)
        rules.append(descriptor)

    sarif_results = []
    for item in items:
        d = item.diagnostic
        location = {
            "physicalLocation": {
                "artifactLocation": artifact_location(item.filename),
                "region": _region(item.start, item.end),
            }
        }
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": rule_index[d.code],
            "level": _LEVELS[d.severity],
            "message": {"text": d.message},
            "locations": [location],
        }
        related = []
        for number, info in enumerate(d.related, 1):
            filename = info.path or item.filename
            index = item.index if info.path is None else None
            physical: dict[str, Any] = {"artifactLocation": artifact_location(filename)}
            if index is not None:
                physical["region"] = _region(*position_range(index, info.span))
            related.append({"id": number, "physicalLocation": physical, "message": {"text": info.message}})
        if related:
            result["relatedLocations"] = related
        fix = applicable_fix(d, unsafe=True)
        if fix is not None:
            replacements = [
                {
                    "deletedRegion": _region(*position_range(item.index, edit.span)),
                    "insertedContent": {"text": edit.new_text},
                }
                for edit in fix.edits
            ]
            result["fixes"] = [
                {
                    "description": {"text": f"{fix.title} ({fix.safety.value})"},
                    "artifactChanges": [
                        {"artifactLocation": artifact_location(item.filename), "replacements": replacements}
                    ],
                }
            ]
        sarif_results.append(result)

    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "nexa-lsp", "version": _version(), "rules": rules}},
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path(os.getcwd()).as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
