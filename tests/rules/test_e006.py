"""E006 protocol-not-found: `implements` names no protocol, or something that is not one."""

MAIN = "flow main { print(1) }\n"
PROTOCOL = 'protocol GradeReport { grade: "int" }\n'
GRADER = 'agent Grader implements GradeRepot { prompt: "Grade it." }\n'


def test_e006_unknown_protocol_with_a_suggestion(found) -> None:
    assert found(PROTOCOL + GRADER + MAIN, "E006") == [
        ("E006", 2, 25, "protocol 'GradeRepot' not found; did you mean 'GradeReport'?")
    ]


def test_e006_not_reported_for_a_declared_protocol(found) -> None:
    assert found(PROTOCOL + GRADER.replace("GradeRepot", "GradeReport") + MAIN, "E006") == []


def test_e006_a_name_of_another_kind(found) -> None:
    text = 'struct Grade { n: int }\nagent Grader implements Grade { prompt: "x" }\n' + MAIN
    assert found(text, "E006") == [("E006", 2, 25, "'Grade' is a struct, not a protocol")]


def test_e006_change_to_fix(fixed) -> None:
    assert fixed(PROTOCOL + GRADER + MAIN, "E006") == PROTOCOL + GRADER.replace("Repot", "Report") + MAIN


def test_e006_declare_fix_inserts_the_protocol_before_the_agent(diagnostics) -> None:
    text = GRADER + MAIN
    [d] = diagnostics(text, "E006")
    [declare] = d.fixes
    assert declare.title == "Declare protocol 'GradeRepot'"
    edit = declare.edits[0]
    assert text[: edit.start] + edit.new_text + text[edit.end :] == (
        'protocol GradeRepot {\n    summary: "string"\n}\n\n' + text
    )


def test_e006_standalone_library_gets_w005_instead(found) -> None:
    assert [code for code, *_ in found(GRADER, "E006", "W005")] == ["W005"]
