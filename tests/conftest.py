"""Fixtures shared by every test folder.

The upstream corpus is not part of this repository: it lives in ``../shared/corpus/upstream`` beside
the clone (read-only), and tests read it from there.
"""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "upstream"
CORPUS_SUFFIXES = (".nx", ".nxlib")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of this repository (the folder holding pyproject.toml)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """``../shared/corpus/upstream``; the test fails, loudly, when it is not there."""
    if not CORPUS_DIR.is_dir():
        pytest.fail(
            f"the upstream corpus is missing: expected {CORPUS_DIR} "
            "(a copy of shared/ must sit beside the repository)",
            pytrace=False,
        )
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every Nexa source of the corpus (``*.nx`` and ``*.nxlib``), sorted by path."""
    files = sorted(p for p in corpus_dir.rglob("*") if p.suffix in CORPUS_SUFFIXES and p.is_file())
    if not files:
        pytest.fail(f"no .nx or .nxlib file under {corpus_dir}", pytrace=False)
    return files
