"""Code actions (nexa_lang.code_actions): the rules' fixes as actions, and W005 declarations."""

from nexa_lang.analysis import Analysis, analyze
from nexa_lang.code_actions import CodeAction, code_actions, fix_actions
from nexa_lang.diagnostics import Diagnostic, Fix, Safety
from nexa_lang.fixes import apply_fixes
from nexa_lang.model import Workspace
from nexa_lang.positions import Span


def analysis_of(text: str, path: str = "/virtual/main.nx") -> Analysis:
    workspace = Workspace()
    return analyze(workspace, workspace.set_text(path, text))


def actions(text: str, path: str = "/virtual/main.nx", at: str | None = None) -> list[CodeAction]:
    analysis = analysis_of(text, path)
    if at is None:
        span = Span(0, len(analysis.file.source))
    else:
        start = len(text[: text.index(at)].encode())
        span = Span(start, start + len(at.encode()))
    return code_actions(analysis, span)


def apply(text: str, action: CodeAction) -> str:
    source = bytearray(text.encode())
    for edit in sorted(action.edits, key=lambda e: e.start, reverse=True):
        source[edit.start : edit.end] = edit.new_text.encode()
    return source.decode()


def by_title(found: list[CodeAction], title: str) -> CodeAction:
    return next(a for a in found if a.title == title)


MISSPELT = 'agent Writer { prompt: "写" }\nflow main() { x = "题目" >> Writr }'


def test_misspelt_runnable_changes_to_the_closest_declaration():
    action = by_title(actions(MISSPELT), "Change to 'Writer'")
    assert apply(MISSPELT, action).endswith(">> Writer }") and not action.is_safe


def test_missing_agent_can_be_declared():
    action = by_title(actions(MISSPELT), "Declare agent 'Writr'")
    assert 'agent Writr {\n    prompt: ""\n}' in apply(MISSPELT, action)


def test_actions_only_for_diagnostics_in_the_range():
    codes = {a.diagnostics[0].code for a in actions(MISSPELT, at="agent Writer")}
    assert "E001" not in codes and "E001" in {a.diagnostics[0].code for a in actions(MISSPELT, at="Writr")}


def test_unused_declaration_can_be_removed():
    text = 'agent Unused { prompt: "p" }\nflow main() { print(1) }'
    action = by_title(actions(text), "Remove the unused agent")
    assert apply(text, action) == "flow main() { print(1) }"


def test_a_single_safe_fix_is_preferred():
    text = 'agent A { prompt: "p", stream: "true" }\nflow main() { A.run("x") }'
    action = by_title(actions(text), "Replace with true")
    assert action.is_preferred and action.is_safe


def test_w005_in_a_library_gets_a_declaration_of_the_right_kind():
    text = (
        'flow helper() {\n  x = "t" >> Drafter\n  y = load_rows()\n}\n'
        'agent A uses search implements Verdict {\n  prompt: "p"\n}\n'
    )
    titles = [a.title for a in actions(text, "/virtual/lib.nxlib")]
    for title in ("Declare agent 'Drafter'", "Declare flow 'load_rows'", "Declare tool 'search'",
                  "Declare protocol 'Verdict'"):  # fmt: skip
        assert title in titles


def test_w005_declared_protocol_goes_before_the_agent():
    text = 'agent A implements Verdict { prompt: "p" }\n'
    action = by_title(actions(text, "/virtual/lib.nxlib"), "Declare protocol 'Verdict'")
    assert apply(text, action).startswith("protocol Verdict {")


def test_w005_plain_variable_gets_no_declaration():
    text = "flow helper() { print(missing_value) }\n"
    assert not any(a.title.startswith("Declare") for a in actions(text, "/virtual/lib.nxlib"))


def test_fix_actions_keep_every_fix_of_a_diagnostic():
    fixes = (Fix.replace((0, 1), "a", "first"), Fix.replace((0, 1), "b", "second", Safety.UNSAFE))
    diagnostic = Diagnostic.warning(Span(0, 1), "m", fixes=fixes)
    found = fix_actions([diagnostic])
    assert [a.title for a in found] == ["first", "second"] and found[0].is_preferred


def test_applying_the_preferred_actions_matches_fix_all():
    text = 'agent A { prompt: "p", stream: "true", cache: "false" }\nflow main() { A.run("x") }'
    analysis = analysis_of(text)
    preferred = [a for a in code_actions(analysis, Span(0, len(text))) if a.is_preferred]
    diagnostics: list[Diagnostic] = [d for a in preferred for d in a.diagnostics]
    assert apply_fixes(text, diagnostics).text == apply(apply(text, preferred[1]), preferred[0])


def test_thousands_of_w005_findings_get_their_declarations_in_one_pass():
    # Found by tests/fuzz/mutate.py: each W005 finding scanned every reference and tool item of the
    # file, so a file with thousands of them (a pasted generated block) took tens of seconds.
    import time

    from nexa_lang.codes import Severity

    count = 4000
    text = "flow helper(t) {\n" + "".join(f"    r{i} = t >> Missing{i}\n" for i in range(count)) + "}\n"
    analysis = analysis_of(text, "/virtual/lib.nx")
    source = analysis.file.source
    findings = []
    for i in range(count):
        start = source.index(f"Missing{i}\n".encode())
        span = Span(start, start + len(f"Missing{i}"))
        findings.append(Diagnostic(span, f"'Missing{i}' may be undefined", Severity.WARNING, "W005"))
    started = time.perf_counter()
    found = code_actions(analysis, Span(0, len(source)), findings)
    assert time.perf_counter() - started < 3.0
    declared = [a.title for a in found if a.title.startswith("Declare agent")]
    assert declared[0] == "Declare agent 'Missing0'" and len(declared) == count
