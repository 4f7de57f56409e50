"""H019 unharnessed-without-reason."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

MESSAGE = 'unharnessed block needs a reason: unharnessed("why") { … }'
NO_REASON = 'flow main {\n    unharnessed { std.shell.shell_exec("make clean") }\n}\n'


def test_h019_points_at_the_keyword(found) -> None:
    assert found(NO_REASON, "H019") == [("H019", 2, 5, MESSAGE)]


def test_h019_not_reported_with_a_reason(found) -> None:
    text = NO_REASON.replace("unharnessed {", 'unharnessed("the build needs a clean tree") {')
    assert found(text, "H019") == []


def test_h019_fix_inserts_a_reason(fixed, found) -> None:
    expected = NO_REASON.replace("unharnessed {", 'unharnessed("reason") {')
    assert fixed(NO_REASON, "H019") == expected
    assert found(expected, "H019") == []


def test_h019_not_reported_for_a_block_nested_in_an_unharnessed_one(found) -> None:
    text = 'flow main {\n    unharnessed("outer") { unharnessed { print("x") } }\n}\n'
    assert found(text, "H019") == []


def test_h019_is_an_error_in_strict_mode() -> None:
    strict = Settings().with_options(select=("H019",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(NO_REASON, None, strict)] == [Severity.ERROR]
