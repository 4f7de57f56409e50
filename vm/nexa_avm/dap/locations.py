"""Where the adapter converts positions: byte offsets of the VM ⇄ the client's lines and columns.

The client says in `initialize` whether lines and columns start at 1 (`linesStartAt1`,
`columnsStartAt1`, both true by default); columns are counted in UTF-16 code units, as VS Code
does. Nothing else in the adapter does arithmetic on positions (ARCHITECTURE.md).
"""

from __future__ import annotations

import os

from nexa_lang.positions import LineIndex, Unit


def normalize_path(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


class Locations:
    def __init__(self, lines_start_at1: bool = True, columns_start_at1: bool = True) -> None:
        self.line_base = 1 if lines_start_at1 else 0
        self.column_base = 1 if columns_start_at1 else 0
        self._indexes: dict[str, LineIndex] = {}
        self._sources: dict[str, bytes] = {}

    def add_files(self, files: dict[str, bytes]) -> None:
        for path, data in files.items():
            self._sources[normalize_path(path)] = data

    def index(self, path: str) -> LineIndex:
        key = normalize_path(path)
        index = self._indexes.get(key)
        if index is None:
            data = self._sources.get(key)
            if data is None:
                try:
                    with open(key, "rb") as handle:
                        data = handle.read()
                except OSError:
                    data = b""
            index = self._indexes[key] = LineIndex(data)
        return index

    def to_client(self, path: str, offset: int) -> tuple[int, int]:
        """The client's (line, column) of a byte offset."""
        line, column = self.index(path).position(
            offset, Unit.UTF16, line_base=self.line_base, column_base=self.column_base
        )
        return line, column

    def line_of(self, path: str, offset: int) -> int:
        """The 0-based line of a byte offset."""
        return self.index(path).line_of(offset)

    def client_line(self, line: int) -> int:
        """A client's line as a 0-based line."""
        return line - self.line_base

    def line_to_client(self, line: int) -> int:
        """A 0-based line as the client counts lines."""
        return line + self.line_base

    def client_offset(self, path: str, line: int, column: int | None) -> int:
        """The byte offset of a client's (line, column); no column means the start of the line."""
        index = self.index(path)
        if column is None:
            return index.line_start(line - self.line_base)
        return index.offset(line, column, Unit.UTF16, line_base=self.line_base, column_base=self.column_base)
