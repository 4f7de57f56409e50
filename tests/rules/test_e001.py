"""E001 undeclared-identifier: an unresolved name in a program root, by position, with its fixes."""

from nexa_lang.checker import check_text
from nexa_lang.diagnostics import Fix

AGENTS = 'agent Drafter { prompt: "Write." }\nagent Polisher { prompt: "Improve." }\n\n'


def apply(text: str, fix: Fix) -> str:
    data = text.encode()
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        data = data[: edit.start] + edit.new_text.encode() + data[edit.end :]
    return data.decode()


def main(body: str) -> str:
    return AGENTS + 'flow main {\n    x = "topic"\n' + body + "\n}\n"


def test_e001_reports_a_misspelt_pipeline_stage_with_a_suggestion(found) -> None:
    text = main("    y = x >> Drafter >> Polsher")
    assert found(text, "E001") == [
        (
            "E001",
            6,
            25,
            "undeclared runnable 'Polsher': no agent, flow or tool is named so; did you mean 'Polisher'?",
        )
    ]


def test_e001_not_reported_when_the_stage_is_declared(found) -> None:
    assert found(main("    y = x >> Drafter >> Polisher"), "E001") == []


def test_e001_change_to_fix_replaces_the_name(diagnostics) -> None:
    text = main("    y = x >> Drafter >> Polsher")
    [d] = diagnostics(text, "E001")
    assert d.fixes[0].title == "Change to 'Polisher'"
    assert "x >> Drafter >> Polisher\n" in apply(text, d.fixes[0])


def test_e001_declare_agent_fix_inserts_before_the_first_flow(diagnostics) -> None:
    text = main("    y = x >> Ghost")
    [d] = diagnostics(text, "E001")
    assert [f.title for f in d.fixes] == ["Declare agent 'Ghost'"]
    assert apply(text, d.fixes[0]) == AGENTS + 'agent Ghost {\n    prompt: ""\n}\n\n' + text[len(AGENTS) :]


def test_e001_call_of_a_lower_case_name_offers_a_flow_with_one_parameter_per_argument(diagnostics) -> None:
    text = main("    helper(x, 2)")
    [d] = diagnostics(text, "E001")
    assert d.message == "undeclared function or flow 'helper'"
    assert apply(text, d.fixes[-1]).startswith(AGENTS + "flow helper(p1, p2) {\n}\n\nflow main")


def test_e001_variable_position_has_its_own_message_and_no_declaration_fix(diagnostics) -> None:
    [d] = diagnostics(main("    print(ghost_value)"), "E001")
    assert d.message == "undeclared name 'ghost_value'"
    assert d.fixes == ()


def test_e001_covers_dag_lists_match_arms_fork_branches_spawn_and_join(found) -> None:
    body = (
        "    a = x |>> [Drafter, Ghost1]\n"
        "    b = [Drafter, Ghost2] &>> Polisher\n"
        '    c = match x { intent("hi") => Ghost3.run(x), _ => x }\n'
        "    fork [d = Ghost4.run(x), e = Drafter.run(x)] merge all\n"
        "    f = spawn Ghost5(x)\n"
        "    g = join(Drafter, Ghost6).run(x)\n"
        "    h = x ?? Ghost7 : Polisher\n"
        '    print("#{ghost8}")'
    )
    names = [message.split("'")[1] for _, _, _, message in found(main(body), "E001")]
    assert names == [f"{prefix}{i}" for i, prefix in enumerate(["Ghost"] * 7 + ["ghost"], 1)]


def test_e001_locals_bound_after_the_use_count(found) -> None:
    assert found(main("    print(later)\n    later = 1"), "E001") == []


def test_e001_in_an_included_library_names_the_program(tmp_path) -> None:
    (tmp_path / "lib.nxlib").write_text('flow helper { print(Ghost.run("x")) }\n')
    root = tmp_path / "main.nx"
    root.write_text('include "lib.nxlib"\nflow main { helper() }\n')
    [d] = check_text(root.read_text(), str(root), codes=["E001"])
    assert d.path == str(tmp_path / "lib.nxlib")
    assert d.message == "undeclared name 'Ghost' (in program 'main.nx')"


def test_e001_not_reported_in_a_standalone_library(found) -> None:
    assert found('flow report { print(Ghost.run("x")) }\n', "E001") == []


def test_e001_not_reported_for_the_error_kind_of_raise(found) -> None:
    # `raise Kind(message)`: the kind need not be declared (D27); its arguments are still checked.
    assert found(main('    raise SuspendExecution("stop")'), "E001") == []
    assert [f[0] for f in found(main("    raise SuspendExecution(ghost)"), "E001")] == ["E001"]
