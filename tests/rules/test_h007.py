"""H007 risky-tool-without-approval."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode


def tool(options: str) -> str:
    return (
        f'@tool("Delete a file", {options}) fn remove(path: str): str '
        "{ return std.fs.file_delete(path).deleted }\n"
    )


def test_h007_points_at_the_risk_value(found) -> None:
    message = "@tool with risk_level 'high' must set requires_approval: true"
    assert found(tool('risk_level: "high"'), "H007") == [("H007", 1, 36, message)]


def test_h007_critical_as_a_bare_word(found) -> None:
    message = "@tool with risk_level 'critical' must set requires_approval: true"
    assert [f[3] for f in found(tool("risk_level: critical"), "H007")] == [message]


def test_h007_not_reported_with_approval(found) -> None:
    assert found(tool('risk_level: "high", requires_approval: true'), "H007") == []


def test_h007_requires_approval_false_is_reported(found) -> None:
    assert [f[0] for f in found(tool('risk_level: "high", requires_approval: false'), "H007")] == ["H007"]


def test_h007_not_reported_for_low_or_medium_risk(found) -> None:
    assert found(tool('risk_level: "medium"'), "H007") == []
    assert found(tool('risk_level: "low"'), "H007") == []


def test_h007_is_an_error_in_strict_mode() -> None:
    strict = Settings().with_options(select=("H007",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(tool('risk_level: "high"'), None, strict)] == [Severity.ERROR]
