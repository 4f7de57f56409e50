"""Agent member `let`s are visible unqualified in the agent's member bodies (L§6.2, L§6.3,
diagnostics.md §2.3), evaluated on first use, and ahead of globals of the same name."""

from __future__ import annotations

AGENT = """
agent Librarian {
    prompt: "Keep books."
    let banner = "I am the librarian"
    let shout = banner + "!"
    let card = template\"\"\"[{{ shout }}]\"\"\"
    fn intro() { return banner }
    fn loud() { return shout }
    fn show() { return template\"\"\"{{ card }} / {{ banner }}\"\"\" }
    flow nested() { return intro() + " again" }
    fn shadow() {
        banner = "a local"
        return banner
    }
}
banner = "the global"
"""


def run_main(nexa, body: str) -> str:
    outcome = nexa(f"{AGENT}\nflow main {{\n{body}\n}}\n")
    assert outcome.code == 0, outcome.err
    return outcome.out


def test_member_let_is_found_unqualified_in_a_member_function(nexa) -> None:
    assert run_main(nexa, "print(Librarian.intro())") == "I am the librarian\n"


def test_member_let_may_use_another_member_let(nexa) -> None:
    assert run_main(nexa, "print(Librarian.loud())") == "I am the librarian!\n"


def test_member_let_is_found_by_a_template_in_a_member_function(nexa) -> None:
    assert run_main(nexa, "print(Librarian.show())") == "[I am the librarian!] / I am the librarian\n"


def test_member_let_is_found_from_a_member_flow_calling_a_member_fn(nexa) -> None:
    assert run_main(nexa, "print(Librarian.nested())") == "I am the librarian again\n"


def test_a_local_of_the_member_body_comes_before_the_member_let(nexa) -> None:
    assert run_main(nexa, "print(Librarian.shadow())") == "a local\n"


def test_outside_the_agent_the_name_is_the_global(nexa) -> None:
    assert run_main(nexa, "print(banner)\nprint(Librarian.banner)") == "the global\nI am the librarian\n"


def test_another_agents_member_sees_the_global_not_this_agents_let(nexa) -> None:
    outcome = nexa(
        f'{AGENT}\nagent Other {{\n    prompt: "p"\n    fn f() {{ return banner }}\n}}\n'
        "flow main { print(Other.f()) }\n"
    )
    assert (outcome.code, outcome.out) == (0, "the global\n"), outcome.err
