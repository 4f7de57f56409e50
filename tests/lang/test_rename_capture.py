"""Rename never changes what a name resolves to (nexa_lang.rename): a rename that would let a local
or a global capture another use of its new name, or let an inner binding capture a use of the
renamed thing, is refused with the reason; the near misses still rename."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.lang.test_rename import analysis_of, apply, at, renamed

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.model import SourceFile, Workspace
from nexa_lang.occurrences import Denotes, Role, program_occurrences
from nexa_lang.rename import RenameRefused, rename
from nexa_lang.scopes import Resolution

# The audit's case: main's local `counter` must not become `show`, which main still calls.
SHADOW = """counter = 10

flow bump(counter: int) -> int {
    return counter + 1
}

flow show() {
    print(counter)
}

flow main {
    counter = 5
    f = fn(counter) { counter * 2 }
    print(counter, bump(counter), f(3))
    show()
}
"""


def refusal(text: str, needle: str, new_name: str, nth: int = 0) -> str:
    a = analysis_of(text)
    with pytest.raises(RenameRefused) as refused:
        rename(a, at(text, needle, nth), new_name)
    return refused.value.message


def test_a_local_may_not_take_the_name_of_a_flow_its_body_calls():
    message = refusal(SHADOW, "counter = 5", "show")
    assert "'show' is used in flow main to refer to the flow 'show' (line 15)" in message


def test_near_miss_a_local_may_take_the_name_of_a_flow_its_body_does_not_use():
    text = SHADOW.replace("    show()\n", "")
    result = renamed(text, "counter = 5", "show")
    assert "    show = 5\n" in result and "print(show, bump(show), f(3))" in result
    assert "print(counter)" in result  # the global and the other flows are untouched


def test_a_local_may_not_take_the_name_of_a_built_in_its_body_uses():
    text = "flow main {\n    items = [1, 2]\n    print(len(items))\n}\n"
    assert "to refer to the built-in 'len'" in refusal(text, "items", "len")


def test_a_local_may_not_take_the_name_of_an_agent_member_its_body_uses():
    text = (
        'agent A {\n    prompt: "p"\n    fn tone() { return "calm" }\n'
        "    fn say(x) { return x + tone() }\n}\n"
    )
    assert "the member 'tone' of agent A" in refusal(text, "x)", "tone")


def test_a_global_may_not_take_the_name_of_a_local_of_a_body_that_uses_the_global():
    text = "limit = 3\nflow main {\n    total = 0\n    print(total + limit)\n}\n"
    message = refusal(text, "limit", "total")
    assert "'total' is already a local of flow main, which uses the global 'limit' (line 4)" in message


def test_near_miss_a_global_may_take_the_name_of_a_local_of_a_body_that_does_not_use_it():
    text = "limit = 3\nflow main {\n    total = 0\n    print(total)\n}\nflow other { print(limit) }\n"
    assert renamed(text, "limit", "total") == text.replace("limit", "total")


def test_a_global_may_not_take_the_name_of_a_built_in_the_program_uses():
    text = "flow size(xs) { return 0 }\nflow main { print(size([1]), len([2])) }\n"
    assert "to refer to the built-in 'len'" in refusal(text, "size", "len")


def test_a_global_may_not_take_the_name_of_a_member_of_an_agent_that_uses_it():
    text = 'mood = "calm"\nagent A {\n    prompt: "p"\n    fn tone() { return mood }\n}\n'
    assert "'tone' is a member of agent A, which uses the global 'mood'" in refusal(text, "mood", "tone")


def test_a_lambda_parameter_may_not_hide_an_outer_local_the_lambda_uses():
    text = "flow main {\n    step = 2\n    f = fn(x) { x * step }\n    print(f(3))\n}\n"
    message = refusal(text, "x)", "step")
    assert "'step' is used in the lambda at line 3 to refer to the local 'step' of flow main" in message


def test_an_outer_local_may_not_take_the_name_of_a_lambda_parameter_where_the_lambda_uses_it():
    text = "flow main {\n    step = 2\n    f = fn(x) { x * step }\n    print(f(3))\n}\n"
    message = refusal(text, "step", "x")
    assert "'x' is already a local of the lambda at line 3, which uses 'step' (line 3)" in message


def test_near_miss_a_lambda_parameter_may_take_an_outer_name_the_lambda_does_not_use():
    text = "flow main {\n    step = 2\n    f = fn(x) { x * 2 }\n    print(f(step))\n}\n"
    assert renamed(text, "x)", "step") == text.replace("fn(x) { x *", "fn(step) { step *")


def test_near_miss_an_outer_local_may_take_a_lambda_parameter_name_the_lambda_does_not_capture():
    # The lambda's own `counter` is its parameter: the outer one is not used inside it.
    result = renamed(SHADOW, "counter = 5", "total")
    assert (
        "    total = 5\n    f = fn(counter) { counter * 2 }\n    print(total, bump(total), f(3))\n" in result
    )


def test_a_parameter_may_not_be_renamed_to_a_name_the_language_provides_in_its_contract():
    text = "flow inc(n: int) -> int\n    ensures result > n\n{\n    return n + 1\n}\n"
    assert "'result' is already a local of" in refusal(text, "n:", "result")


def test_corpus_renames_to_names_already_in_use_are_refused_or_keep_every_resolution(
    corpus_files: list[Path],
):
    """Rename locals and globals of corpus files to names the file already uses for other things:
    either the rename is refused, or the program resolves exactly as before with the new name in
    place of the old."""
    checked = refused = 0
    for path in corpus_files:
        workspace = Workspace()
        file = workspace.file(str(path))
        assert file is not None
        a = analyze(workspace, file)
        before = _resolutions(a)
        used = sorted({r.name for r in a.references if r.resolution is not Resolution.SPECIAL})[:8]
        declared = [
            o
            for o in program_occurrences(a.program).in_file(file)
            if o.role is Role.DECLARATION and o.target.denotes in (Denotes.LOCAL, Denotes.GLOBAL)
        ]
        for occurrence in declared[:4]:
            old = occurrence.target.name
            for new in used:
                if new == old:
                    continue
                try:
                    edits = rename(a, occurrence.span.start, new)
                except RenameRefused:
                    refused += 1
                    continue
                if any(e.file is not file for e in edits):
                    continue
                again = analyze(Workspace(), SourceFile.from_text(apply(file, edits), str(path)))
                if any(e.new_text != new for fe in edits for e in fe.edits):
                    continue  # a `{key}` shorthand grows into `key: new`
                renamed_at = {e.span.start for fe in edits for e in fe.edits}
                assert _resolutions(again, new, old, renamed_at) == before, (path, old, new)
                checked += 1
    assert checked > 20 and refused > 20


def _resolutions(
    a: Analysis, new: str = "", old: str = "", renamed_at: set[int] | None = None
) -> list[tuple[str, Resolution]]:
    """(name, resolution) of every reference; after a rename, the renamed uses count under their
    old name (found by mapping each reference back to its offset in the original text)."""
    starts = sorted(renamed_at or ())
    shift = len(new.encode()) - len(old.encode())
    out = []
    for r in a.references:
        moved = sum(1 for i, start in enumerate(starts) if start + shift * i < r.span.start)
        original = r.span.start - shift * moved
        out.append((old if r.name == new and original in starts else r.name, r.resolution))
    return sorted(out)
