"""H010 context-without-max-tokens."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

AGENT = 'agent Worker { prompt: "Answer." }\n'
MESSAGE = "with_context without max_tokens uses the default of 100000"
NO_BUDGET = AGENT + "flow main(q) {\n    with_context strategy: sliding_window { r = Worker.run(q) }\n}\n"


def test_h010_points_at_the_keyword(found) -> None:
    assert found(NO_BUDGET, "H010") == [("H010", 3, 5, MESSAGE)]


def test_h010_not_reported_with_max_tokens(found) -> None:
    assert found(NO_BUDGET.replace("strategy", "max_tokens: 32000, strategy"), "H010") == []


def test_h010_fix_inserts_max_tokens_first(fixed, found) -> None:
    expected = NO_BUDGET.replace("with_context strategy", "with_context max_tokens: 100000, strategy")
    assert fixed(NO_BUDGET, "H010") == expected
    assert found(expected, "H010") == []


def test_h010_fix_without_parameters(fixed) -> None:
    text = AGENT + "flow main(q) { with_context { r = Worker.run(q) } }\n"
    assert fixed(text, "H010") == text.replace("with_context {", "with_context max_tokens: 100000 {")


def test_h010_is_an_error_in_strict_mode() -> None:
    strict = Settings().with_options(select=("H010",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(NO_BUDGET, None, strict)] == [Severity.ERROR]
