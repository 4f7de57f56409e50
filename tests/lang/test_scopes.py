"""Name resolution (nexa_lang.scopes), per diagnostics.md §2.2-2.3."""

from nexa_lang.model import program_of_text
from nexa_lang.scopes import Position, Resolution


def resolutions(source: str) -> dict[str, Resolution]:
    program = program_of_text(source)
    return {r.name: r.resolution for r in program.scopes.references}


def test_locals_bound_later_in_the_activation_resolve():
    assert resolutions("flow main { if true { x = 1 }\n print(x) }")["x"] is Resolution.LOCAL


def test_declarations_resolve_globally_regardless_of_order():
    found = resolutions('flow main { r = "q" >> Late }\nagent Late { prompt: "p" }')
    assert found["Late"] is Resolution.GLOBAL


def test_prelude_and_unresolved_names():
    found = resolutions("flow main { print(len(ghost)) }")
    assert found["len"] is Resolution.PRELUDE and found["ghost"] is Resolution.UNRESOLVED


def test_lambda_sees_enclosing_locals_but_not_the_reverse():
    program = program_of_text("flow main { y = 1\n f = fn() { z = y }\n print(z) }")
    by_name = {r.name: r.resolution for r in program.scopes.references}
    assert by_name["y"] is Resolution.LOCAL and by_name["z"] is Resolution.UNRESOLVED


def test_agent_members_and_self_resolve_inside_member_bodies():
    found = resolutions(
        'agent A { prompt: "p"\n fn helper() { return 1 }\n flow go() { helper()\n self.run("x") } }'
    )
    assert found["helper"] is Resolution.MEMBER and found["self"] is Resolution.SPECIAL


def test_ensures_sees_result():
    found = resolutions("flow f(x: int) -> int ensures result > 0 { return x }")
    assert found["result"] is Resolution.SPECIAL


def test_interpolation_names_are_references():
    program = program_of_text('flow main { who = "a"\n print("hi #{who} #{nobody}") }')
    refs = {r.name: r for r in program.scopes.references}
    assert refs["who"].resolution is Resolution.LOCAL and refs["nobody"].resolution is Resolution.UNRESOLVED


def test_dag_list_elements_are_runnable_positions():
    program = program_of_text('flow main { r = "x" |>> [Ghost, Other] }')
    positions = {r.name: r.position for r in program.scopes.references}
    assert positions["Ghost"] is Position.RUNNABLE and positions["Other"] is Position.RUNNABLE


def test_every_builtin_function_of_stdlib_section_1_is_a_prelude_name():
    # S§1.8 lists session_data, handle_auth_callback and handle_auth_logout beside get_user.
    found = resolutions(
        "flow main(req) { a = session_data(req)\n b = handle_auth_callback(req)\n"
        " c = handle_auth_logout(req)\n d = get_user(req) }"
    )
    assert {found[n] for n in ("session_data", "handle_auth_callback", "handle_auth_logout", "get_user")} == {
        Resolution.PRELUDE
    }
