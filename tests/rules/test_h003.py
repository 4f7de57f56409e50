"""H003 autoloop-without-timeout."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

AGENT = 'agent Worker { prompt: "Do the next step." }\n'
MESSAGE = "autoloop has no timeout and may run for a long time"
NO_TIMEOUT = AGENT + 'flow main {\n    autoloop max_steps: 8, exit_when: "done" { r = Worker.run("x") }\n}\n'


def test_h003_points_at_the_autoloop_keyword(found) -> None:
    assert found(NO_TIMEOUT, "H003") == [("H003", 3, 5, MESSAGE)]


def test_h003_not_reported_with_a_timeout(found) -> None:
    assert found(NO_TIMEOUT.replace('"done"', '"done", timeout: 120'), "H003") == []


def test_h003_fix_appends_the_timeout(fixed, found) -> None:
    expected = NO_TIMEOUT.replace('"done" {', '"done", timeout: 300 {')
    assert fixed(NO_TIMEOUT, "H003") == expected
    assert found(expected, "H003") == []


def test_h003_fix_without_parameters(fixed) -> None:
    text = AGENT + 'flow main { autoloop { r = Worker.run("x") } }\n'
    assert fixed(text, "H003") == text.replace("autoloop {", "autoloop timeout: 300 {")


def test_h003_stays_a_warning_in_strict_mode() -> None:
    settings = Settings().with_options(select=("H003",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(NO_TIMEOUT, None, settings)] == [Severity.WARNING]
