"""A checked program is freed by reference counting alone, without the cyclic garbage collector.

`nexa-lsp --check` switches the collector off while it checks a program (nexa_lsp.batch.run_unit).
One reference cycle reaching the model (a lowerer's table of bound methods, a nested function that
calls itself) keeps the whole program alive until the next collection, which then has to
traverse all of it: that was a tenth of the checker's time.
"""

import gc
from collections.abc import Callable
from pathlib import Path

from nexa_lang.check import check_file
from nexa_lang.model import SourceFile, program_of_text

LIBRARY = """agent Helper {
    role: "helper",
    prompt: "Help with the input.",
    fn shout(text) { return text + "!" }
}
"""

ROOT = """include "shared.nxlib"

agent Writer {
    role: "writer",
    prompt: "Write about #{topic}."
}

flow main(topic = "树") {
    draft = topic >> Writer >> Helper
    shorten = fn(text) { return text }
    match draft {
        "" => print("empty"),
        _ => print(shorten(draft)),
    }
    for item in [1, 2] { total = item }
}
"""


def _cyclic_garbage_after(work: Callable[[], object]) -> int:
    """How many unreachable objects the collector finds after `work` ran with it switched off."""
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        work()
        return gc.collect()
    finally:
        if collecting:
            gc.enable()


def _write_program(folder: Path) -> Path:
    (folder / "shared.nxlib").write_text(LIBRARY, encoding="utf-8")
    root = folder / "main.nx"
    root.write_text(ROOT, encoding="utf-8")
    return root


def test_lowering_a_file_leaves_no_cyclic_garbage():
    assert _cyclic_garbage_after(lambda: SourceFile.from_text(ROOT)) == 0


def test_a_program_and_its_analyses_leave_no_cyclic_garbage(tmp_path: Path):
    root = _write_program(tmp_path)

    def analyze() -> None:
        program = program_of_text(ROOT, str(root))
        assert len(program.files) == 2
        program.scopes, program.activation_graphs, program.nodes.of()  # noqa: B018 - computed on use

    assert _cyclic_garbage_after(analyze) == 0


def test_checking_a_program_leaves_no_cyclic_garbage(tmp_path: Path):
    root = _write_program(tmp_path)
    assert _cyclic_garbage_after(lambda: check_file(ROOT, str(root))) == 0
