"""The code table in nexa_lang.codes is the spec's table (diagnostics.md §3 and §7)."""

import re
from pathlib import Path

import pytest

from nexa_lang.codes import CODES, Family, Severity, Tag, lookup


@pytest.fixture(scope="module")
def spec_text(repo_root: Path) -> str:
    return (repo_root.parent / "shared" / "spec" / "diagnostics.md").read_text(encoding="utf-8")


def spec_rows(text: str, pattern: str) -> list[tuple[str, ...]]:
    return [tuple(cell.strip() for cell in m) for m in re.findall(pattern, text, re.MULTILINE)]


def test_every_code_of_the_index_has_its_name_and_severity(spec_text: str):
    rows = spec_rows(spec_text, r"^\| ([EWGSM]\d{3}) \| (\w+) \| ([a-z-]+) \|")
    assert len(rows) > 60
    for code, severity, name in rows:
        assert (CODES[code].name, CODES[code].severity.value) == (name, severity), code


def test_every_harness_code_has_its_name_and_strict_severity(spec_text: str):
    rows = spec_rows(spec_text, r"^\| (H\d{3}) \| ([a-z-]+) \| [A-Z]-\d{3}b? \| (error|warning) \|")
    assert len(rows) == 20
    for code, name, strict in rows:
        info = CODES[code]
        assert (info.name, info.severity, info.strict_severity) == (name, Severity.WARNING, Severity(strict))


def test_no_code_outside_the_spec(spec_text: str):
    for code in CODES:
        assert f"| {code} |" in spec_text, code


def test_lookup_by_code_in_any_case_or_by_name():
    assert lookup("w001") is CODES["W001"]
    assert lookup("unused-declaration") is CODES["W001"]
    assert lookup("W999") is None


def test_families_and_static_codes():
    assert CODES["E008"].family is Family.STATIC_ERROR and CODES["E008"].is_static
    assert CODES["E101"].family is Family.RUNTIME and not CODES["E101"].is_static
    assert CODES["E202"].family is Family.CONFIG and not CODES["E202"].is_static
    assert CODES["E303"].is_static and not CODES["E301"].is_static
    assert all(CODES[c].is_static for c in ("W001", "G001", "H001", "S001", "M001"))


def test_tags_of_the_spec():
    assert CODES["W001"].tags == {Tag.UNNECESSARY}
    assert CODES["M001"].tags == {Tag.UNNECESSARY}
    assert CODES["W003"].tags == {Tag.DEPRECATED}
    assert CODES["E001"].tags == frozenset()


def test_anchor_of_a_code_heading():
    assert CODES["E001"].url_fragment == "e001-undeclared-identifier"
