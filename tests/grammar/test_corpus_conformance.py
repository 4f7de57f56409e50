"""Every program of the upstream corpus parses without an ERROR or MISSING node (spec §0.1: every
corpus .nx/.nxlib file is a valid program)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CORPUS_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "upstream"
CORPUS_FILES = (
    sorted(p for p in CORPUS_DIR.rglob("*") if p.is_file() and p.suffix in (".nx", ".nxlib"))
    if CORPUS_DIR.is_dir()
    else []
)


def test_the_corpus_has_its_74_programs(corpus_files: list[Path]) -> None:
    # 73 .nx and 1 .nxlib (spec §0.1); the .nxintent file is not Nexa source.
    assert len(corpus_files) == 74
    assert [p.suffix for p in corpus_files].count(".nxlib") == 1


def test_the_parametrized_list_is_the_corpus(corpus_files: list[Path]) -> None:
    assert CORPUS_FILES == corpus_files


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[str(p.relative_to(CORPUS_DIR)) for p in CORPUS_FILES])
def test_corpus_program_parses_cleanly(path: Path, first_problem: Callable[[bytes], Any]) -> None:
    problem = first_problem(path.read_bytes())
    where = str(path.relative_to(CORPUS_DIR))
    assert problem is None, problem.describe(where)
