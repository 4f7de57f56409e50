"""H001 autoloop-implicit-bound: an autoloop with neither max_steps nor exit_when."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

AGENT = 'agent Worker { prompt: "Do the next step." }\n'
MESSAGE = "autoloop relies on the default limit of 50 steps; give max_steps or exit_when"
UNBOUNDED = AGENT + 'flow main {\n    autoloop timeout: 60 { r = Worker.run("next step") }\n}\n'


def severities(text: str, code: str, mode: HarnessMode) -> list[Severity]:
    settings = Settings().with_options(select=(code,), harness_mode=mode)
    return [d.severity for d in check_source(text, None, settings) if d.code == code]


def test_h001_points_at_the_autoloop_keyword(found) -> None:
    assert found(UNBOUNDED, "H001") == [("H001", 3, 5, MESSAGE)]


def test_h001_not_reported_with_max_steps(found) -> None:
    assert found(UNBOUNDED.replace("timeout: 60", "max_steps: 8, timeout: 60"), "H001") == []


def test_h001_not_reported_with_exit_when(found) -> None:
    assert found(UNBOUNDED.replace("timeout: 60", 'exit_when: "done", timeout: 60'), "H001") == []


def test_h001_fix_inserts_max_steps_before_the_first_parameter(fixed, found) -> None:
    expected = UNBOUNDED.replace("autoloop timeout", "autoloop max_steps: 10, timeout")
    assert fixed(UNBOUNDED, "H001") == expected
    assert found(expected, "H001") == []


def test_h001_fix_without_parameters_inserts_after_the_keyword(fixed) -> None:
    text = AGENT + 'flow main { autoloop { r = Worker.run("x") } }\n'
    assert fixed(text, "H001") == text.replace("autoloop {", "autoloop max_steps: 10 {")


def test_h001_fix_is_unsafe(diagnostics) -> None:
    [diagnostic] = diagnostics(UNBOUNDED, "H001")
    assert [f.is_safe for f in diagnostic.fixes] == [False]


def test_h001_is_a_warning_in_warn_mode_and_an_error_in_strict_mode() -> None:
    assert severities(UNBOUNDED, "H001", HarnessMode.WARN) == [Severity.WARNING]
    assert severities(UNBOUNDED, "H001", HarnessMode.STRICT) == [Severity.ERROR]
    assert severities(UNBOUNDED, "H001", HarnessMode.OFF) == []


def test_h001_not_reported_inside_unharnessed(found) -> None:
    text = AGENT + 'flow main {\n    unharnessed("demo") { autoloop { r = Worker.run("x") } }\n}\n'
    assert found(text, "H001") == []
