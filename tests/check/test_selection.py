"""Selectors of diagnostics.md §14.2: specificity, ignore winning ties, layers, severities."""

from pathlib import Path

import pytest

from nexa_lang.codes import Severity
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.positions import Span
from nexa_lang.selection import (
    STATIC_CODES,
    FileIgnore,
    HarnessMode,
    Selection,
    SelectorError,
    SelectorLayer,
    compile_glob,
    parse_ignorable,
    parse_selector,
    resolve_selection,
    resolve_severities,
)


def enabled(*layers: SelectorLayer) -> frozenset[str]:
    return resolve_selection(list(layers))


def test_default_selects_every_static_code():
    assert enabled() == frozenset(STATIC_CODES)
    assert "E101" not in STATIC_CODES and "E303" in STATIC_CODES


def test_selector_kinds():
    assert parse_selector("W001").codes == {"W001"}
    assert parse_selector("unused-declaration").codes == {"W001"}
    assert parse_selector("g00").codes == {f"G00{n}" for n in range(1, 10)}
    assert parse_selector("ALL").specificity == 0
    assert parse_selector("E3").codes == {"E302", "E303"}


def test_spec_example_keeps_only_w005_of_the_w_family():
    codes = enabled(SelectorLayer(select=("W",), ignore=("W0",), extend_select=("W005",)))
    assert sorted(c for c in codes if c.startswith("W")) == ["W005"]


def test_ignore_wins_at_equal_specificity():
    codes = enabled(SelectorLayer(select=("W001",), ignore=("unused-declaration",)))
    assert "W001" not in codes


def test_more_specific_select_beats_a_broader_ignore():
    codes = enabled(SelectorLayer(ignore=("W",), extend_select=("W007",)))
    assert "W007" in codes and "W001" not in codes


def test_select_replaces_the_default():
    codes = enabled(SelectorLayer(select=("G",)))
    assert "G001" in codes and "W001" not in codes


def test_later_layer_without_select_only_changes_what_it_names():
    codes = enabled(SelectorLayer(select=("W",)), SelectorLayer(extend_select=("E001",), ignore=("W002",)))
    assert {"W001", "E001"} <= codes and "W002" not in codes and "E004" not in codes


def test_later_select_replaces_the_earlier_selection():
    codes = enabled(SelectorLayer(select=("W",)), SelectorLayer(select=("G001",)))
    assert codes == {"G001", "E008"}


def test_e008_is_always_selected():
    assert "E008" in enabled(SelectorLayer(select=("W",)))
    assert "E008" in enabled(SelectorLayer(ignore=("E",)))


@pytest.mark.parametrize("text", ["X9", "W9999", "nonsense-name", ""])
def test_unknown_selectors_are_errors(text: str):
    with pytest.raises(SelectorError) as error:
        parse_selector(text)
    assert error.value.message_for("lint.select") == f"unknown code '{text}' in 'lint.select'"


@pytest.mark.parametrize("text", ["E101", "agent-timeout", "E1", "E202"])
def test_runtime_and_configuration_codes_cannot_be_selected(text: str):
    with pytest.raises(SelectorError, match="cannot be selected"):
        parse_selector(text)


@pytest.mark.parametrize("text", ["E008", "syntax-error", "e008"])
def test_e008_cannot_be_ignored_by_name(text: str):
    with pytest.raises(SelectorError, match="cannot be ignored"):
        parse_ignorable(text)
    assert parse_ignorable("E0").codes >= {"E001", "E008"}  # a prefix may cover it; it stays on


def test_severity_overrides_most_specific_wins_and_e008_never_changes():
    severities = resolve_severities({"W": Severity.ERROR, "W005": Severity.HINT, "E0": Severity.WARNING})
    assert severities["W001"] is Severity.ERROR
    assert severities["W005"] is Severity.HINT
    assert severities["E001"] is Severity.WARNING
    assert "E008" not in severities


def warning(code: str) -> Diagnostic:
    return Diagnostic.for_code(code, Span(0, 1), "m", path="x.nx")


def test_apply_filters_and_changes_severity():
    selection = Selection(
        enabled=enabled(SelectorLayer(ignore=("W001",))), severities={"W005": Severity.ERROR}
    )
    kept = selection.apply([warning("W001"), warning("W005"), warning("E101")], "x.nx")
    assert [(d.code, d.severity) for d in kept] == [("W005", Severity.ERROR), ("E101", Severity.ERROR)]


def test_harness_mode_strict_makes_marked_codes_errors_then_the_table_applies():
    selection = Selection(harness_mode=HarnessMode.STRICT, severities={"H003": Severity.INFO})
    kept = selection.apply([warning("H001"), warning("H002"), warning("H003")], "x.nx")
    assert [d.severity for d in kept] == [Severity.ERROR, Severity.WARNING, Severity.INFO]


def test_harness_mode_off_reports_no_h_code():
    selection = Selection(harness_mode=HarnessMode.OFF)
    assert selection.apply([warning("H001"), warning("W001")], "x.nx") == [warning("W001")]


def test_per_file_ignores_match_globs_relative_to_the_root(tmp_path: Path):
    selection = Selection(
        file_ignores=(
            FileIgnore.build("examples/**/*.nx", ["W001", "G002"]),
            FileIgnore.build("*.nxlib", ["W"]),
        ),
        root=tmp_path,
    )
    deep = str(tmp_path / "examples" / "a" / "b" / "demo.nx")
    assert not selection.is_enabled("W001", deep)
    assert selection.is_enabled("W001", str(tmp_path / "src" / "demo.nx"))
    assert not selection.is_enabled("W005", str(tmp_path / "lib" / "utils.nxlib"))
    assert selection.is_enabled("E008", deep)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("examples/**/*.nx", "examples/demo.nx", True),
        ("examples/**/*.nx", "examples/a/b/demo.nx", True),
        ("examples/*.nx", "examples/a/demo.nx", False),
        ("legacy/?.nx", "legacy/a.nx", True),
        ("legacy/[!a].nx", "legacy/a.nx", False),
        ("**", "any/where.nx", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, matches: bool):
    assert bool(compile_glob(pattern).fullmatch(path)) is matches
