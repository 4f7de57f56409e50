"""Included files shared by the programs that `nexa-lsp --check` checks in one process
(nexa_lang.model.SharedFiles): lowered once, reused while unchanged, shown under each program's
own spelling of the include."""

from __future__ import annotations

from pathlib import Path

from nexa_lang.config import Settings
from nexa_lang.model import SharedFiles
from nexa_lsp.batch import CheckJob, run_jobs
from nexa_lsp.sources import SourcePath

LIBRARY = 'agent Writer { prompt: "Write." }\n'
ROOT = 'include "../lib/shared.nxlib"\nagent Writer { prompt: "Again." }\nflow main { print(1) }\n'


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def test_two_spellings_of_one_file_share_its_module_and_keep_their_paths(tmp_path: Path):
    write(tmp_path, {"lib/shared.nxlib": LIBRARY})
    files = SharedFiles()
    first = files.file(str(tmp_path / "a" / ".." / "lib" / "shared.nxlib"))
    second = files.file(str(tmp_path / "b" / ".." / "lib" / "shared.nxlib"))
    assert first is not None and second is not None
    assert first.module is second.module
    assert (first.path, second.path) == (
        str(tmp_path / "a" / ".." / "lib" / "shared.nxlib"),
        str(tmp_path / "b" / ".." / "lib" / "shared.nxlib"),
    )


def test_a_changed_file_is_lowered_again(tmp_path: Path):
    (library,) = write(tmp_path, {"lib/shared.nxlib": LIBRARY})
    files = SharedFiles()
    before = files.file(str(library))
    library.write_text('agent Other { prompt: "Other." }\n', encoding="utf-8")
    after = files.file(str(library))
    assert before is not None and after is not None
    assert [d.name for d in after.module.declarations] == ["Other"]


def test_a_missing_file_is_none(tmp_path: Path):
    assert SharedFiles().file(str(tmp_path / "missing.nxlib")) is None


def test_each_root_names_a_shared_library_with_its_own_spelling(tmp_path: Path):
    paths = write(tmp_path, {"a/main.nx": ROOT, "b/main.nx": ROOT, "lib/shared.nxlib": LIBRARY})
    jobs = [CheckJob(SourcePath(str(p), p), Settings(), use_cache=False) for p in paths]
    results = {r.shown: r for r in run_jobs(jobs, workers=1)}
    for folder in ("a", "b"):
        (duplicate,) = [
            d for d in results[str(tmp_path / folder / "main.nx")].diagnostics if d.code == "E004"
        ]
        assert [r.path for r in duplicate.related] == [str(tmp_path / folder / ".." / "lib" / "shared.nxlib")]
