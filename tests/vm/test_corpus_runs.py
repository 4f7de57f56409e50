"""Every upstream corpus program with a `flow main` runs under the offline provider: to completion
(exit 0), or it stops with a coded error and a location (exit 1), or it is refused before it runs
(exit 2). The programs that do not finish are listed below with the reason, and the list is exact.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from nexa_avm.cli import main

# relative path -> (exit code, code of the error report or None for a refusal)
NOT_COMPLETING: dict[str, tuple[int, str | None]] = {
    # `img("docs/img/logo.jpg")`: the image file is not part of the corpus copy (D46: E100)
    "v0.1/11_fallback_and_vision.nx": (1, "E100"),
    # includes "utils.nxlib", which only exists in v0.1/: a missing include is refused (L§2.4)
    "v1.2/test_include_module.nx": (2, None),
}

REPORT = re.compile(r"^Error: \w+: .+\n  --> .+:\d+:\d+\n  = code (E\d{3}) \([a-z-]+\)\n", re.M)


def programs_with_main(corpus_files: list[Path]) -> list[Path]:
    return [p for p in corpus_files if p.suffix == ".nx" and "flow main" in p.read_text(encoding="utf-8")]


def test_every_program_with_main_runs_or_stops_with_a_coded_error(
    corpus_dir, corpus_files, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # .nexa_cache and any other state go to a fresh folder
    monkeypatch.delenv("NEXA_PROVIDER", raising=False)
    outcomes: dict[str, tuple[int, str | None]] = {}
    for path in programs_with_main(corpus_files):
        out, err = io.StringIO(), io.StringIO()
        code = main(["run", str(path)], out, err)
        relative = path.relative_to(corpus_dir).as_posix()
        assert "Traceback" not in err.getvalue(), relative
        if code == 0:
            continue
        report = REPORT.search(err.getvalue())
        if code == 1:
            assert report is not None, f"{relative}: exit 1 without a coded report:\n{err.getvalue()}"
        outcomes[relative] = (code, report.group(1) if report else None)
    assert outcomes == NOT_COMPLETING


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ("v1.2/test_dag_operators.nx", "========== DAG 操作符测试完成 =========="),
        ("v1.2/test_adt.nx", "ADT demo complete!"),
        ("v2.0/10_actor_system.nx", "Worker result received."),
    ],
)
def test_selected_corpus_programs_print_what_they_promise(
    corpus_dir, tmp_path, monkeypatch, program, expected
):
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", str(corpus_dir / program)], out, err) == 0, err.getvalue()
    assert expected in out.getvalue()
