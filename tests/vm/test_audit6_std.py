"""Audit 6 (std namespaces at run time): std.time, std.fs, std.http, std.shell, std.concurrent and
`server` declarations, each compared with stdlib.md / nexa-language.md."""

from __future__ import annotations

from datetime import datetime

from tests.vm.conftest import Runner


def test_time_diff_takes_a_time_without_offset_as_local_time(nexa: Runner) -> None:
    # S§2.3: "Times are local unless they carry an offset", so the two forms can be compared.
    done = nexa(
        'flow main() {\n    print(std.time.time_diff("2024-01-01T00:00:00+00:00", '
        '"2024-01-01T00:00:00").seconds)\n}\n'
    )
    expected = (
        datetime(2024, 1, 1).astimezone() - datetime.fromisoformat("2024-01-01T00:00:00+00:00")
    ).total_seconds()
    assert done.code == 0, done.err
    assert float(done.out) == expected


def test_time_diff_of_two_offsets_is_unchanged(nexa: Runner) -> None:
    done = nexa(
        'flow main() {\n    print(std.time.time_diff("2024-01-01T00:00:00+00:00", '
        '"2024-01-01T01:30:00+01:00", "minutes"))\n}\n'
    )
    assert done.out == '{"value": 30, "unit": "minutes", "days": 0, "seconds": 1800.0}\n'


def test_time_diff_days_are_whole_days_with_the_sign_of_the_difference(nexa: Runner) -> None:
    done = nexa(
        'flow main() {\n    print(std.time.time_diff("2024-01-02T12:00:00", "2024-01-01T00:00:00").days)\n'
        '    print(std.time.time_diff("2024-01-01T00:00:00", "2024-01-02T12:00:00").days)\n}\n'
    )
    assert done.out == "-1\n1\n"
