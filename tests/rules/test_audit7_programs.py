"""Audit 7 (static checker on realistic whole programs): each test pins a disagreement with
diagnostics.md found in a multi-feature program, next to a near miss that must not change."""

from collections.abc import Callable

Found = Callable[..., list[tuple[str, int, int, str]]]

SHAPES = (
    "enum Shape { Dot, Circle(radius: float), Rect(w, h) }\n"
    "flow area_of(s: Shape) -> float {\n"
    "    return match s {\n"
    "        Shape::Dot => 0.0,\n"
    "        Shape::CIRCLE(r) => 3.14 * r * r,\n"
    "        Shape::Rect(w, h) => w * h,\n"
    "        Option::NONE => 0.0\n"
    "    }\n"
    "}\n"
    "flow main { print(area_of(Shape::Dot)) }\n"
)


def test_e002_for_a_variant_pattern_naming_no_variant_of_a_declared_enum(found: Found) -> None:
    # diagnostics.md E002 (4): `E::V` where enum E has no variant V; the arm can never match
    text = SHAPES.replace("CIRCLE", "Circel").replace("NONE", "None")
    assert found(text, "E002") == [("E002", 5, 16, "enum 'Shape' has no variant 'Circel'")]


def test_e002_not_for_declared_variants_and_prelude_enums(found: Found) -> None:
    text = SHAPES.replace("CIRCLE", "Circle").replace("NONE", "None")
    assert found(text, "E002") == []


RATE_TOOL = (
    "tool currency_rate {\n"
    '    description: "Return the exchange rate between two currencies",\n'
    '    parameters: {"base": "string", EXTRA"quote": "string"}\n'
    "}\n"
    'flow main { print(currency_rate("JPY", "USD")) }\n'
)


def test_a_repeated_tool_parameter_key_is_one_parameter_for_e302(found: Found) -> None:
    # the repeated key is E004; it must not also shift `quote` out of reach ("missing 'quote'")
    text = RATE_TOOL.replace("EXTRA", '"base": "int", ')
    assert found(text, "E004", "E302", "E012") == [
        ("E004", 3, 36, "duplicate declaration of 'base'; first declared at line 3")
    ]


def test_e302_still_reports_a_missing_tool_argument(found: Found) -> None:
    text = RATE_TOOL.replace("EXTRA", "").replace('currency_rate("JPY", "USD")', 'currency_rate("JPY")')
    assert found(text, "E302") == [("E302", 5, 32, "invalid arguments for 'currency_rate': missing 'quote'")]


RESULTS = (
    "flow parse_amount(text: str) -> Result[int, str] {\n"
    '    if (text == "") { return Err("empty") }\n'
    "    return Ok(int(text))\n"
    "}\n"
    "flow main {\n"
    '    match parse_amount("12") {\n'
    '        Result::Ok(n) => print("amount #{n}"),\n'
    '        Result::ERR(e) => print("error #{e}")\n'
    "    }\n"
    "    print(Option::NONE)\n"
    "}\n"
)


def test_e002_for_a_variant_the_prelude_option_and_result_do_not_have(found: Found) -> None:
    # L§6.5.2: Option has Some and None, Result has Ok and Err
    text = RESULTS.replace("ERR", "Error").replace("NONE", "Nothing")
    assert found(text, "E002") == [
        ("E002", 8, 17, "enum 'Result' has no variant 'Error'"),
        ("E002", 10, 19, "enum 'Option' has no variant 'Nothing'"),
    ]


def test_e002_not_for_prelude_variants_nor_a_program_enum_named_option(found: Found) -> None:
    assert found(RESULTS.replace("ERR", "Err").replace("NONE", "None"), "E002") == []
    own = "enum Option { Nothing, Just(v) }\n" + RESULTS.replace("ERR", "Err").replace("NONE", "Nothing")
    assert found(own, "E002") == []


PAYABLES = (
    "protocol Payment { amount: float, iban: str }\n"
    "protocol Approval { approved: bool, reason: str }\n"
    'agent Approver implements Approval { prompt: "Approve payments under 1000 EUR." }\n'
    'agent Payer { prompt: "Prepare the transfer.", input_type: Payment }\n'
    "flow main(invoice: str) {\n"
    "    BINDING\n"
    "    print(approval >> Payer)\n"
    "}\n"
)


def test_g004_for_a_variable_assigned_once_from_an_agent_run(found: Found) -> None:
    # G004: the producing side may be a variable whose type is certain (§2.5: assigned exactly once)
    message = "'Payer' accepts Payment but receives Approval from 'approval'; missing fields: amount, iban"
    for binding in ("approval = Approver.run(invoice)", "approval = invoice >> Approver"):
        assert found(PAYABLES.replace("BINDING", binding), "G004") == [("G004", 7, 23, message)]


def test_g004_not_for_a_variable_assigned_twice_or_from_an_unknown_value(found: Found) -> None:
    twice = "approval = Approver.run(invoice)\n    approval = invoice"
    assert found(PAYABLES.replace("BINDING", twice), "G004") == []
    assert found(PAYABLES.replace("BINDING", "approval = invoice.upper()"), "G004") == []
    assert found(PAYABLES.replace("BINDING", "approval = approval"), "G004") == []


RESTOCKER = (
    "agent Restocker {\n"
    '    prompt: "Write a short restock request.",\n'
    '    let greeting = "Restock request"\n'
    "    fn request(items: list) -> str {\n"
    '        return NAME + ": " + self.run(str(items))\n'
    "    }\n"
    "}\n"
    "flow main { print(Restocker.request([1])) }\n"
)


def test_e001_suggests_an_agent_member_inside_a_member_body(found: Found) -> None:
    # L§6.2: member bodies see the agent's members unqualified, so they are visible names (§1.5)
    text = RESTOCKER.replace("NAME", "greting")
    assert found(text, "E001") == [("E001", 5, 16, "undeclared name 'greting'; did you mean 'greeting'?")]


def test_e001_member_names_are_no_candidates_outside_the_agent(found: Found) -> None:
    assert found(RESTOCKER.replace("NAME", "greeting"), "E001") == []
    outside = RESTOCKER.replace("NAME", "greeting").replace("print(Restocker.request([1]))", "print(greting)")
    assert found(outside, "E001") == [("E001", 8, 19, "undeclared name 'greting'")]


TRIAGE = (
    "agent Triage {\n"
    '    prompt: "Classify the incident severity.",\n'
    "    USES\n"
    "}\n"
    'flow main { print(Triage.run("disk full")) }\n'
)


def test_the_uses_property_items_are_checked_like_the_uses_clause(found: Found) -> None:
    # L§3.1.3: `uses: [...]` is one of the sources of the tool set; unknown items are E007/E303/W006
    text = TRIAGE.replace("USES", 'uses: ["skills/missing.md", "std.clock", Ghost, std.fs.file_reed]')
    got = sorted(found(text, "E007", "E303", "W006"))
    assert [(code, line, column) for code, line, column, _ in got] == [
        ("E007", 3, 46),
        ("E303", 3, 38),
        ("E303", 3, 60),
        ("W006", 3, 12),
    ]
    assert got[0][3] == "tool 'Ghost' not found"
    assert got[1][3] == "unknown std namespace 'std.clock'"
    assert got[3][3].startswith("file not found: 'skills/missing.md'")


def test_valid_uses_property_items_stay_silent(found: Found) -> None:
    text = TRIAGE.replace("USES", 'uses: ["std.time", std.fs.file_read, std.http]\n    tools: [query]')
    assert found(text, "E007", "E303", "W006") == []


HANDLES = (
    'db notes = connect("sqlite://:memory:")\n'
    'kv cache = open(":memory:")\n'
    "flow page(req) {\n"
    "    rows = CALL\n"
    "    return text(str(rows))\n"
    "}\n"
    "flow main { print(page({})) }\n"
)


def test_prelude_handle_and_response_functions_have_their_signature_checked(found: Found) -> None:
    # S§1.7, 1.8, 1.11 give these prelude functions one fixed signature (E302/E012 "prelude function")
    assert found(HANDLES.replace("CALL", "query(notes)"), "E302", "E012") == [
        ("E302", 4, 17, "invalid arguments for 'query': missing 'sql'")
    ]
    assert found(HANDLES.replace("CALL", 'status("404")'), "E302") == [
        ("E302", 4, 19, "invalid arguments for 'status': 'code' must be an integer, found a string")
    ]
    assert found(HANDLES.replace("CALL", 'kv_get(cache, "a", 1, 2)'), "E012") == [
        ("E012", 4, 34, "'kv_get' takes 3 argument(s) but 4 were given")
    ]


def test_functions_dispatching_on_their_first_argument_stay_unchecked(found: Found) -> None:
    # S-2: get/set/del/has/list/close/open have one meaning per handle kind
    for call in ("get(cache)", 'close(notes, "x")', 'query(notes, "SELECT 1", [1])', 'incr(cache, "n")'):
        assert found(HANDLES.replace("CALL", call), "E302", "E012", "W008", "W010") == []


PLANNER = (
    "struct Plan { steps: list[str], risky: bool }\n"
    "agent Planner -> Plan {\n"
    '    prompt: "Plan the migration as SQL steps."\n'
    "}\n"
    "flow main {\n"
    '    plan = Planner.run("add an email column")\n'
    "    for each step in plan.FIELD { print(step) }\n"
    "}\n"
)


def test_e002_for_a_field_of_an_agents_declared_struct_output(found: Found) -> None:
    # §2.5: an agent's declared `-> T` is certain, like the protocol it implements
    assert found(PLANNER.replace("FIELD", "stepz"), "E002") == [
        ("E002", 7, 27, "'Plan' has no field 'stepz'")
    ]


def test_e002_not_for_a_declared_field_or_an_agent_returning_str(found: Found) -> None:
    assert found(PLANNER.replace("FIELD", "steps"), "E002") == []
    text = PLANNER.replace("FIELD", "stepz").replace("-> Plan", "-> str")
    assert found(text, "E002") == []
