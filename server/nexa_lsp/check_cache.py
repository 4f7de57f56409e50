"""A cache of `--check` results, so that unchanged files are not checked again.

Key: the file's contents, the path it is shown under (with the libraries of the checking context
its program reports on), the effective settings and the tool (its version and the code of the
checker). A result holds the file's diagnostics and what its program found in those libraries; it
also records the files the program included, with their contents' hashes, and is used only while
they are unchanged too. Entries live in
`.nexa_cache/check/` beside the configuration file, else under `$XDG_CACHE_HOME/nexa/check`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import nexa_lang
from nexa_lang.codes import Severity, Tag
from nexa_lang.config import Settings
from nexa_lang.diagnostics import Diagnostic, Edit, Fix, Related, Safety
from nexa_lang.positions import Span

CACHE_FORMAT = 2


@dataclass(frozen=True)
class CachedCheck:
    diagnostics: list[Diagnostic]  # the checked file's
    libraries: dict[str, list[Diagnostic]] = field(default_factory=dict)  # findings in its libraries


@cache
def tool_fingerprint() -> str:
    """The tool version plus the size and time of every checker module, so that a changed rule in a
    development install never reads stale results."""
    try:
        version = metadata.version("nexa-suite")
    except metadata.PackageNotFoundError:
        version = "unknown"
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{version}".encode())
    package = Path(nexa_lang.__file__).parent
    for module in sorted(package.rglob("*.py")):
        info = module.stat()
        digest.update(f"{module.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def default_cache_dir(settings: Settings) -> Path:
    if settings.root is not None:
        return settings.root / ".nexa_cache" / "check"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nexa" / "check"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dependency_hash(path: str) -> str:
    """The hash of a file the result depends on, or "absent" (an include that does not exist)."""
    try:
        return file_hash(Path(path).read_bytes())
    except FileNotFoundError:
        return "absent"


class CheckCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory  # None: beside each file's configuration

    def _entry(self, settings: Settings, shown: str, data: bytes) -> Path:
        key = hashlib.sha256()
        for part in (tool_fingerprint(), settings.fingerprint(), shown, file_hash(data)):
            key.update(part.encode())
            key.update(b"\0")
        directory = self.directory or default_cache_dir(settings)
        return directory / key.hexdigest()[:2] / key.hexdigest()

    def load(self, settings: Settings, shown: str, data: bytes) -> CachedCheck | None:
        entry = self._entry(settings, shown, data)
        try:
            stored = json.loads(entry.read_text(encoding="utf-8"))
            for path, digest in stored["dependencies"].items():
                if dependency_hash(path) != digest:
                    return None
            return CachedCheck(
                [_diagnostic(item) for item in stored["diagnostics"]],
                {name: [_diagnostic(item) for item in items] for name, items in stored["libraries"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, unreadable or from another format: check again

    def store(
        self,
        settings: Settings,
        shown: str,
        data: bytes,
        checked: CachedCheck,
        dependencies: list[str],
    ) -> None:
        entry = self._entry(settings, shown, data)
        hashes: dict[str, str] = {}
        try:
            for path in dependencies:
                hashes[os.path.abspath(path)] = dependency_hash(path)
            entry.parent.mkdir(parents=True, exist_ok=True)
            payload = json.dumps(
                {
                    "dependencies": hashes,
                    "diagnostics": [_record(d) for d in checked.diagnostics],
                    "libraries": {
                        name: [_record(d) for d in found] for name, found in checked.libraries.items()
                    },
                }
            )
            handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
            os.replace(temporary, entry)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _record(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "span": list(d.span),
        "path": d.path,
        "related": [[list(r.span), r.message, r.path] for r in d.related],
        "fixes": [
            [f.title, f.safety.value, [[e.start, e.end, e.new_text] for e in f.edits]] for f in d.fixes
        ],
        "tags": sorted(t.value for t in d.tags),
    }


def _diagnostic(item: dict[str, Any]) -> Diagnostic:
    return Diagnostic(
        span=Span(*item["span"]),
        message=item["message"],
        severity=Severity(item["severity"]),
        code=item["code"],
        name=item["name"],
        path=item["path"],
        related=tuple(Related(Span(*span), message, path) for span, message, path in item["related"]),
        fixes=tuple(
            Fix(title, tuple(Edit(*edit) for edit in edits), Safety(safety))
            for title, safety, edits in item["fixes"]
        ),
        tags=frozenset(Tag(t) for t in item["tags"]),
    )
