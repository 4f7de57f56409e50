"""H002 autoloop-too-many-steps: max_steps above 1000."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

AGENT = 'agent Worker { prompt: "Do the next step." }\n'


def loop(steps: str) -> str:
    return (
        AGENT
        + f'flow main {{\n    autoloop max_steps: {steps}, exit_when: "done", timeout: 60 '
        + '{ r = Worker.run("x") }\n}\n'
    )


def test_h002_points_at_the_value(found) -> None:
    assert found(loop("5000"), "H002") == [("H002", 3, 25, "autoloop max_steps 5000 exceeds 1000")]


def test_h002_not_reported_at_the_limit(found) -> None:
    assert found(loop("1000"), "H002") == []
    assert found(loop("200"), "H002") == []


def test_h002_stays_a_warning_in_strict_mode() -> None:
    settings = Settings().with_options(select=("H002",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(loop("1001"), None, settings)] == [Severity.WARNING]
