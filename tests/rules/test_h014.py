"""H014 fork-single-branch."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

AGENTS = 'agent A { prompt: "Try one way." }\nagent B { prompt: "Try another way." }\n'
SINGLE = AGENTS + "flow main(q) {\n    r = fork [A.run(q)] merge best_of\n    print(r)\n}\n"


def test_h014_points_at_fork(found) -> None:
    assert found(SINGLE, "H014") == [("H014", 4, 9, "fork needs at least two branches")]


def test_h014_not_reported_for_two_branches(found) -> None:
    assert found(SINGLE.replace("[A.run(q)]", "[A.run(q), B.run(q)]"), "H014") == []


def test_h014_has_no_fix(diagnostics) -> None:
    assert [d.fixes for d in diagnostics(SINGLE, "H014")] == [()]


def test_h014_is_an_error_in_strict_mode() -> None:
    strict = Settings().with_options(select=("H014",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(SINGLE, None, strict)] == [Severity.ERROR]
