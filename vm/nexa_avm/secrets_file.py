"""The secrets file `secrets.nxs` (L§7.13, S§1.3): top-level `KEY = value` lines and blocks
`config NAME { KEY = value, … }`, `//` comments.

Values are strings (double or single quotes, with the one-line escapes), numbers, `true`/`false`,
`none`/`null`, lists `[…]` and maps `{"k": v, …}` (keys quoted or bare, `:` or `=`), nested freely.
Entries are separated by newlines or commas. A file that cannot be parsed is E203 (`SecretsError`);
the caller raises it when a secret is first needed, not at start.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

# Compiled at the first parse (re caches it): most runs have no secrets file to read.
_TOKEN = r"""(?P<space>[ \t\r\n]+|//[^\n]*|/\*.*?\*/)
      |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      |(?P<number>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
      |(?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)
      |(?P<punct>[{}\[\]=:,;])"""
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "'": "'", "\\": "\\"}
_WORDS = {"true": True, "false": False, "none": None, "null": None}


class SecretsError(Exception):
    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def load_secrets(root_file: str | None) -> dict[str, Any]:
    """The secrets of a program (L§7.13): the first `secrets.nxs` of the program's folder, the working
    directory and its parent; its flat entries with the `default` block over them, and every block
    under `"__blocks__"`. No file: `{}`. An unreadable or malformed file is E203."""
    folders = [os.path.dirname(os.path.abspath(root_file))] if root_file else []
    folders += [os.getcwd(), os.path.dirname(os.getcwd())]
    for folder in folders:
        path = os.path.join(folder, "secrets.nxs")
        try:
            with open(path, encoding="utf-8") as handle:
                flat, blocks = parse_secrets(handle.read())
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as problem:
            reason = (
                problem.strerror if isinstance(problem, OSError) and problem.strerror else "invalid UTF-8"
            )
            raise _unusable(path, reason, 1) from None
        except SecretsError as problem:
            raise _unusable(path, problem.reason, problem.line) from None
        return {**flat, **blocks.get("default", {}), "__blocks__": blocks}
    return {}


def _unusable(path: str, reason: str, line: int) -> Exception:
    from .errors import NexaError

    return NexaError("RuntimeError", f"secrets file '{path}' cannot be used: {reason} (line {line})", "E203")


class UnusableSecrets(Mapping[str, str]):
    """The secrets of a run whose file is malformed: its E203 is raised by the first lookup."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getitem__(self, key: str) -> str:
        raise self.error

    def __iter__(self) -> Iterator[str]:
        raise self.error

    def __len__(self) -> int:
        raise self.error


def parse_secrets(text: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(flat entries, blocks by name) of a secrets file's text."""
    return _Parser(text).file()


def _unquote(token: str) -> str:
    body = token[1:-1]
    return re.sub(r"\\u([0-9a-fA-F]{4})|\\(.)", _unescape, body)


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    char = match.group(2)
    return _ESCAPES.get(char, "\\" + char)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str, int]] = []
        line, at = 1, 0
        token = re.compile(_TOKEN, re.VERBOSE | re.DOTALL)
        while at < len(text):
            match = token.match(text, at)
            if match is None:
                quote = text[at] in "\"'"
                raise SecretsError("unterminated string" if quote else f"unexpected {text[at]!r}", line)
            kind = match.lastgroup or ""
            if kind != "space":
                self.tokens.append((kind, match.group(), line))
            line += match.group().count("\n")
            at = match.end()
        self.at = 0
        self.last_line = line

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "", self.last_line)

    def take(self, *texts: str) -> tuple[str, str, int]:
        token = self.peek()
        if texts and token[1] not in texts:
            found = "the end of the file" if token[0] == "end" else repr(token[1])
            raise SecretsError(f"expected {' or '.join(repr(t) for t in texts)}, found {found}", token[2])
        self.at += 1
        return token

    def skip_separators(self) -> None:
        while self.peek()[1] in (",", ";"):
            self.at += 1

    def file(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        flat: dict[str, Any] = {}
        blocks: dict[str, dict[str, Any]] = {}
        while True:
            self.skip_separators()
            kind, text, line = self.peek()
            if kind == "end":
                return flat, blocks
            if kind == "word" and text == "config":
                self.at += 1
                name = self.take()
                if name[0] != "word":
                    raise SecretsError("expected a block name after 'config'", name[2])
                self.take("{")
                blocks.setdefault(name[1], {}).update(self.entries("}"))
                continue
            key, value = self.entry()
            flat[key] = value

    def entries(self, closer: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        while True:
            self.skip_separators()
            if self.peek()[1] == closer:
                self.at += 1
                return found
            if self.peek()[0] == "end":
                raise SecretsError(f"missing {closer!r}", self.peek()[2])
            key, value = self.entry()
            found[key] = value

    def entry(self) -> tuple[str, Any]:
        kind, text, line = self.take()
        if kind == "word":
            key = text
        elif kind == "string":
            key = _unquote(text)
        else:
            found = repr(text) if kind != "end" else "the end of the file"
            raise SecretsError(f"expected a key, found {found}", line)
        self.take("=", ":")
        return key, self.value()

    def value(self) -> Any:
        kind, text, line = self.take()
        if kind == "string":
            return _unquote(text)
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "word" and text in _WORDS:
            return _WORDS[text]
        if text == "{":
            return self.entries("}")
        if text == "[":
            items: list[Any] = []
            while True:
                self.skip_separators()
                if self.peek()[1] == "]":
                    self.at += 1
                    return items
                if self.peek()[0] == "end":
                    raise SecretsError("missing ']'", self.peek()[2])
                items.append(self.value())
        found = repr(text) if kind != "end" else "the end of the file"
        raise SecretsError(f"expected a value, found {found}", line)
