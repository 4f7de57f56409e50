"""docs/bytecode.md's instruction table is `opcode_table_markdown()`, the table of `bytecode.OPCODES`.

When an opcode changes, rewrite the doc's table with `.venv/bin/python tests/vm/test_bytecode_doc.py`."""

from __future__ import annotations

import sys
from pathlib import Path

from nexa_avm.bytecode import opcode_table_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "bytecode.md"
HEADER = "| opcode | operand | stack | meaning |"


def table_span(lines: list[str]) -> tuple[int, int]:
    """Where the instruction table is: the header line up to the first line that is not a row."""
    start = lines.index(HEADER)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return start, end


def documented_table(text: str) -> str:
    lines = text.split("\n")
    start, end = table_span(lines)
    return "\n".join(lines[start:end])


def regenerated(text: str) -> str:
    lines = text.split("\n")
    start, end = table_span(lines)
    return "\n".join([*lines[:start], opcode_table_markdown(), *lines[end:]])


def test_the_documented_instruction_table_is_the_opcode_table():
    assert documented_table(DOC.read_text(encoding="utf-8")) == opcode_table_markdown(), (
        "docs/bytecode.md is out of date: run .venv/bin/python tests/vm/test_bytecode_doc.py"
    )


def test_a_changed_row_is_noticed_and_regenerating_restores_the_text_around_the_table():
    text = f"# Doc\n\nBefore.\n\n{opcode_table_markdown()}\n\nAfter.\n"
    stale = text.replace("| `NOP` |", "| `NOOP` |")
    assert documented_table(stale) != opcode_table_markdown()
    assert regenerated(stale) == text
    assert documented_table(text) == opcode_table_markdown()


if __name__ == "__main__":
    DOC.write_text(regenerated(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
