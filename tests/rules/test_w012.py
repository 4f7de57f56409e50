"""W012 shadowed-name: declarations hiding prelude names; locals hiding global variables."""


def test_w012_enum_hiding_a_built_in_type(found) -> None:
    assert found("enum Result { Done, Failed }\n", "W012") == [
        ("W012", 1, 6, "'Result' hides the built-in type")
    ]


def test_w012_flow_hiding_a_built_in_function(found) -> None:
    assert found("flow get_user() { return 1 }\n", "W012") == [
        ("W012", 1, 6, "'get_user' hides the built-in function")
    ]


def test_w012_not_reported_for_other_names(found) -> None:
    assert found("enum Outcome { Done, Failed }\nflow fetch_user() { return 1 }\n", "W012") == []


def test_w012_local_hiding_a_global_variable(diagnostics, found) -> None:
    text = "let counter = 0\nflow bump { counter = counter + 1 }\n"
    assert found(text, "W012") == [
        (
            "W012",
            2,
            13,
            "local 'counter' hides the global variable of line 1; "
            "assigning it here does not change the global",
        )
    ]
    [d] = diagnostics(text, "W012")
    assert [r.span.start for r in d.related] == [4]


def test_w012_parameters_and_member_assignments_are_not_reported(found) -> None:
    text = 'let counter = {"value": 0}\nflow bump(counter) { print(counter) }\n'
    text += 'flow add { counter["value"] = 1 }\n'
    assert found(text, "W012") == []


def test_w012_locals_hiding_prelude_functions_are_not_reported(found) -> None:
    assert found('flow main { query = "select 1"\n    print(query) }\n', "W012") == []
