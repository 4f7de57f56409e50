"""H008 risky-tool-without-sandbox."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode


def tool(options: str) -> str:
    return f'@tool("Delete a file", {options}) fn remove(path: str): str {{ return "gone" }}\n'


def test_h008_points_at_the_risk_value(found) -> None:
    message = "@tool with risk_level 'high' should set sandbox: true"
    assert found(tool('risk_level: "high", requires_approval: true'), "H008") == [("H008", 1, 36, message)]


def test_h008_not_reported_with_sandbox_true(found) -> None:
    assert found(tool('risk_level: "high", requires_approval: true, sandbox: true'), "H008") == []


def test_h008_not_reported_for_low_risk(found) -> None:
    assert found(tool('risk_level: "low"'), "H008") == []


def test_h008_stays_a_warning_in_strict_mode() -> None:
    strict = Settings().with_options(select=("H008",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(tool('risk_level: "critical"'), None, strict)] == [
        Severity.WARNING
    ]
