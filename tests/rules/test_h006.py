"""H006 empty-tool-description."""

from nexa_lang.check import check_source
from nexa_lang.codes import Severity
from nexa_lang.config import Settings
from nexa_lang.selection import HarnessMode

MESSAGE = "@tool description is empty; the model needs it to use the tool"
EMPTY = '@tool("") fn now(): str { return std.time.time_now() }\n'


def test_h006_points_at_the_string(found) -> None:
    assert found(EMPTY, "H006") == [("H006", 1, 7, MESSAGE)]


def test_h006_white_space_is_empty(found) -> None:
    assert [f[0] for f in found(EMPTY.replace('""', '"   "'), "H006")] == ["H006"]


def test_h006_not_reported_with_a_description(found) -> None:
    assert found(EMPTY.replace('""', '"Current local time"'), "H006") == []


def test_h006_is_an_error_in_strict_mode() -> None:
    strict = Settings().with_options(select=("H006",), harness_mode=HarnessMode.STRICT)
    assert [d.severity for d in check_source(EMPTY, None, strict)] == [Severity.ERROR]
