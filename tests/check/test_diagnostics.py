"""The diagnostic model and the rule registry (diagnostics.md §1)."""

from collections.abc import Iterator

import pytest

from nexa_lang import diagnostics as diagnostics_module
from nexa_lang.codes import Severity, Tag
from nexa_lang.diagnostics import (
    Diagnostic,
    Edit,
    Fix,
    Related,
    Safety,
    code_url,
    registered_rules,
    rule,
    run_rules,
    sort_diagnostics,
    unregister,
)
from nexa_lang.positions import Span


class FakeNode:
    start_byte = 4
    end_byte = 9


def test_constructors_set_severity_and_accept_any_byte_range():
    assert Diagnostic.error(FakeNode(), "m").span == Span(4, 9)
    assert Diagnostic.warning((1, 2), "m").severity is Severity.WARNING
    assert Diagnostic.info(Span(0, 0), "m").severity is Severity.INFO
    assert Diagnostic.hint(Span(0, 0), "m").severity is Severity.HINT


def test_for_code_takes_name_severity_and_tags_from_the_table():
    diagnostic = Diagnostic.for_code("W001", Span(0, 1), "agent 'A' is never used")
    assert (diagnostic.code, diagnostic.name, diagnostic.severity) == (
        "W001",
        "unused-declaration",
        Severity.WARNING,
    )
    assert diagnostic.tags == {Tag.UNNECESSARY}
    assert diagnostic.source == "nexa"


def test_fix_and_related_are_kept():
    fix = Fix.unsafe_rename(Span(6, 7), "W2")
    diagnostic = Diagnostic.error(Span(6, 7), "m", related=[Related((0, 1), "first declared here")], fix=fix)
    assert diagnostic.fixes == (Fix("rename to 'W2'", (Edit(6, 7, "W2"),), Safety.UNSAFE),)
    assert diagnostic.related[0].span == Span(0, 1) and diagnostic.related[0].path is None


def test_fix_helpers_build_one_edit():
    assert Fix.delete((2, 5), "remove").edits == (Edit(2, 5, ""),)
    assert Fix.insert(3, "x", "add").edits == (Edit(3, 3, "x"),)
    assert Fix.replace((0, 1), "y", "swap").is_safe


def test_sorted_by_file_then_start_then_code():
    a = Diagnostic.for_code("W001", Span(5, 6), "m", path="b.nx")
    b = Diagnostic.for_code("E001", Span(5, 6), "m", path="a.nx")
    c = Diagnostic.for_code("E004", Span(1, 2), "m", path="a.nx")
    d = Diagnostic.for_code("E001", Span(1, 2), "m", path="a.nx")
    assert sort_diagnostics([a, b, c, d]) == [d, c, b, a]


def test_url_points_at_the_code_heading_of_the_shipped_reference(monkeypatch):
    monkeypatch.delenv("NEXA_DOCS_URL", raising=False)
    url = code_url("E008")
    assert url.startswith("file://") and url.endswith("/nexa_lang/docs/diagnostics.md#e008-syntax-error")
    monkeypatch.setenv("NEXA_DOCS_URL", "https://docs.example.org/diagnostics")
    assert code_url("E008") == "https://docs.example.org/diagnostics#e008-syntax-error"


@pytest.fixture
def registered() -> Iterator[object]:
    # The real W012 is registered too once another test in this process has run the checker:
    # set it aside so that the registry holds only the test's rule.
    registry = diagnostics_module._RULES.setdefault("W012", [])
    saved = registry[:]
    registry.clear()

    @rule("W012", "shadowed-name")
    def check(model: list[int]) -> Iterator[Diagnostic]:
        for offset in model:
            yield Diagnostic.warning(Span(offset, offset + 1), "'x' shadows a global")

    yield check
    unregister("W012", check)
    registry[:] = saved


def test_registered_rule_stamps_code_and_name(registered):
    [only] = list(registered([3]))
    assert (only.code, only.name, only.span) == ("W012", "shadowed-name", Span(3, 4))


def test_registry_lists_rules_by_code(registered):
    assert [r.name for r in registered_rules(["W012"])] == ["shadowed-name"]


def test_run_rules_runs_every_rule(registered):
    assert [d.code for d in run_rules([1, 2], registered_rules(["W012"]))] == ["W012", "W012"]


def test_unregister_removes_the_rule(registered):
    unregister("W012", registered)
    assert registered_rules(["W012"]) == []


def test_a_failing_rule_does_not_stop_the_others(registered, caplog):
    @rule("W011", "unknown-type")
    def broken(model: object) -> Iterator[Diagnostic]:
        raise RuntimeError("bug")
        yield  # pragma: no cover

    try:
        found = run_rules([7], registered_rules(["W011", "W012"]))
    finally:
        unregister("W011", broken)
    assert [d.code for d in found] == ["W012"]
    assert "W011" in caplog.text


@pytest.mark.parametrize(
    ("code", "name"),
    [("W999", "nothing"), ("W001", "wrong-name"), ("E101", "agent-timeout")],
)
def test_rule_refuses_unknown_misnamed_or_runtime_codes(code: str, name: str):
    with pytest.raises(ValueError):
        rule(code, name)
