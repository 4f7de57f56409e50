"""The run-time meaning of each construct (L§4, §5, §7), with the default offline provider.

Each test runs a small program through `nexa run` and asserts its standard output exactly.
"""

from __future__ import annotations


def out_of(nexa, body: str, prelude: str = "") -> str:
    outcome = nexa(f"{prelude}\nflow main {{\n{body}\n}}\n")
    assert outcome.code == 0, outcome.err
    return outcome.out


# ---------------------------------------------------------------------------- values and text form


def test_text_forms_of_values(nexa):
    out = out_of(nexa, 'print(1, 2.5, 3.0, true, none, "s", [1, "a", none, false], {"k": 1.0, "中": "文"})')
    assert out == '1 2.5 3.0 true  s [1, "a", null, false] {"k": 1.0, "中": "文"}\n'


def test_print_statement_form(nexa):
    assert out_of(nexa, 'print "hello";\nprint 1 + 1;') == "hello\n2\n"


def test_arithmetic_and_string_concatenation(nexa):
    out = out_of(nexa, 'print(1 + 2 * 3, 7 / 2, 6 / 3, -7 % 3, "n=" + 4, [1] + [2], 2 - 0.5)')
    assert out == "7 3.5 2.0 2 n=4 [1, 2] 1.5\n"


def test_comparison_and_logic_give_booleans(nexa):
    out = out_of(nexa, 'print(1 == 1.0, "a" < "b", 2 >= 3, 1 != 1, 0 or "x", 1 and [], not none)')
    assert out == "true true false false true false true\n"


def test_equality_is_structural_and_keeps_bools_apart(nexa):
    out = out_of(
        nexa, 'print([1, {"a": 2}] == [1, {"a": 2}], true == 1, {"a": 1, "b": 2} == {"b": 2, "a": 1})'
    )
    assert out == "true false true\n"


def test_truthiness(nexa):
    body = """
    for each v in [0, 0.0, "", [], {}, none, false, Err("x"), Option::None, 1, "a", [0], Ok(0)] {
        if v { print("T") } else { print("F") }
    }"""
    assert out_of(nexa, body) == "F\n" * 9 + "T\n" * 4


def test_string_interpolation(nexa):
    body = (
        'who = "Lin"\n'
        "scores = [7, 9]\n"
        'd = {"k": {"n": 3}}\n'
        'print("Hi #{who}, #{scores[1]} #{d.k.n} \\#{who} #{a + b}")'
    )
    assert out_of(nexa, body) == "Hi Lin, 9 3 #{who} #{a + b}\n"


def test_conversions_and_numeric_helpers(nexa):
    out = out_of(
        nexa,
        'print(str(3.0), int("42"), int(2.9), float("1.5"), bool(""), len("中文"), '
        "max(1, 5), min(3, 2), abs(-2))",
    )
    assert out == "3.0 42 2 1.5 false 2 5 2 2\n"


def test_lists_dicts_index_and_member_assignment(nexa):
    body = (
        "xs = [1, 2, 3]\n"
        "xs[0] = 10\n"
        'd = {"a": 1}\n'
        "d.b = 2\n"
        'd["c"] = 3\n'
        'print(xs, xs[-1], d, d.missing, d["a"])'
    )
    assert out_of(nexa, body) == '[10, 2, 3] 3 {"a": 1, "b": 2, "c": 3}  1\n'


# ---------------------------------------------------------------------------- control flow


def test_if_else_if_chain(nexa):
    body = (
        "for each n in [95, 75, 10] {\n"
        ' if n >= 90 { print("A") } else if (n >= 70) { print("B") } else { print("C") }\n'
        "}"
    )
    assert out_of(nexa, body) == "A\nB\nC\n"


def test_blocks_do_not_open_scopes(nexa):
    assert out_of(nexa, 'if true { inner = "visible" }\nprint(inner)') == "visible\n"


def test_while_with_break_and_continue(nexa):
    body = "i = 0\nwhile true {\n i = i + 1\n if i == 2 { continue }\n if i > 4 { break }\n print(i)\n}"
    assert out_of(nexa, body) == "1\n3\n4\n"


def test_for_each_over_list_string_and_dict(nexa):
    body = 'for each c in "ab" { print(c) }\nfor each k in {"x": 1, "y": 2} { print(k) }'
    assert out_of(nexa, body) == "a\nb\nx\ny\n"


def test_for_each_pairs_bind_position_or_key_first(nexa):
    body = 'for each i, v in ["a", "b"] { print(i, v) }\nfor each k, v in {"x": 1} { print(k, v) }'
    assert out_of(nexa, body) == "0 a\n1 b\nx 1\n"


def test_for_pattern_destructures(nexa):
    body = "for [a, b] in [[1, 2], [3, 4]] { print(a + b) }"
    assert out_of(nexa, body) == "3\n7\n"


def test_loop_until_counts_iterations(nexa):
    body = (
        "n = 0\n"
        "loop { n = n + 1 } until (n >= 3)\n"
        "print(n, runtime.meta.loop_count, runtime.meta.last_result)"
    )
    assert out_of(nexa, body) == "3 3 3\n"


def test_loop_until_string_condition_is_judged_true_offline(nexa):
    body = 'n = 0\nloop { n = n + 1 } until ("the draft is final")\nprint(n)'
    assert out_of(nexa, body) == "1\n"


def test_loop_stops_at_the_iteration_cap_with_a_warning(nexa, monkeypatch):
    monkeypatch.setenv("NEXA_MAX_LOOP", "5")
    outcome = nexa("flow main {\n    n = 0\n    loop { n = n + 1 } until (n > 500)\n    print(n)\n}\n")
    assert outcome.out == "5\n"
    assert (
        "warning[E106]: loop stopped after 5 iterations; its condition never held\n  --> main.nx:3:5"
        in outcome.err
    )


def test_match_patterns_and_guards(nexa):
    body = """
    for each v in [0, 7, -3, [1, 2, 3], {"name": "Ada", "age": 36}, "x"] {
        r = match v {
            0 => "zero",
            [h, ..t] => "list " + h + " " + t,
            {name, age: a} => name + " " + a,
            "x" => "the x",
            n if n > 0 => "positive",
            s => "other " + s
        }
        print(r)
    }"""
    assert out_of(nexa, body) == "zero\npositive\nother -3\nlist 1 [2, 3]\nAda 36\nthe x\n"


def test_match_without_matching_arm_is_none(nexa):
    assert out_of(nexa, 'r = match 5 { 1 => "one" }\nprint(r == none)') == "true\n"


def test_match_on_variants(nexa):
    prelude = "enum Shape { Dot, Circle(radius) }"
    body = """
    for each s in [Shape::Dot, Shape::Circle(2.0)] {
        print(match s { Shape::Circle(r) => r * 2, Shape::Dot => "dot" })
    }"""
    assert out_of(nexa, body, prelude) == "dot\n4.0\n"


def test_let_destructuring(nexa):
    body = (
        'let [a, b] = [1, 2]\nlet { name, age: years } = {"name": "Ada", "age": 36}\nprint(a, b, name, years)'
    )
    assert out_of(nexa, body) == "1 2 Ada 36\n"


# ---------------------------------------------------------------------------- flows and functions


def test_flow_parameters_defaults_and_named_arguments(nexa):
    prelude = "flow add(a, b = 2) { return a + b }"
    assert out_of(nexa, "print(add(1), add(1, b = 5), add(1, 3))", prelude) == "3 6 4\n"


def test_flow_returns_result_when_it_has_no_return(nexa):
    prelude = (
        "flow grade(points: int) {\n"
        ' if (points >= 90) { result = "A" } else { result = "B" }\n'
        "}\n"
        "flow nothing { x = 1 }"
    )
    assert out_of(nexa, "print(grade(95), grade(3), nothing() == none)", prelude) == "A B true\n"


def test_flow_locals_do_not_rebind_globals(nexa):
    source = "counter = 1\nflow bump { counter = 5\n return counter }\nflow main { print(bump(), counter) }\n"
    outcome = nexa(source)
    assert outcome.out == "5 1\n"


def test_lambdas_capture_and_return_last_expression(nexa):
    body = "k = 10\nf = fn(x) { x * k }\ng = fn() { 'done' }\nprint(f(4), g())"
    assert out_of(nexa, body) == "40 done\n"


def test_pipe_operator_applies_functions(nexa):
    prelude = "flow scale(x, a, b) { return x * a + b }\nflow double(x) { return x * 2 }"
    assert out_of(nexa, "print(7 |> scale(2, 3), 4 |> double |> double)", prelude) == "17 16\n"


def test_structs_and_impl_methods(nexa):
    prelude = (
        "struct Vec2 { dx: Int, dy: Int }\n"
        "trait Named { fn label() : String }\n"
        'impl Named for Vec2 { fn label() { "vector" } }'
    )
    body = "v = Vec2(dx: 1, dy: 2)\nv.dx = 3\nprint(v, v.label(), v.dy)"
    assert out_of(nexa, body, prelude) == "Vec2(dx: 3, dy: 2) vector 2\n"


def test_flow_requires_contract_violation_is_catchable(nexa):
    prelude = "flow withdraw(amount: float) requires amount > 0 { return amount }"
    body = 'try { withdraw(-20) } catch (ContractViolation e) { print("rejected: " + e.message) }'
    assert out_of(nexa, body, prelude) == "rejected: requires violated in flow 'withdraw': amount > 0\n"


def test_flow_ensures_sees_result_and_old(nexa):
    prelude = "flow inc(n: int) ensures result == old(n) + 1 { return n + 1 }"
    assert out_of(nexa, "print(inc(4))", prelude) == "5\n"


# ---------------------------------------------------------------------------- errors


def test_try_catch_binds_the_error(nexa):
    body = "try { y = [1][5] } catch (e) { print(e.kind, e.code, e.line, e.message) }"
    assert out_of(nexa, body) == "RuntimeError E100 3 list index 5 is out of range for a list of 1\n"


def test_typed_catch_lets_other_kinds_through(nexa):
    body = (
        "try {\n"
        ' try { x = 1 / 0 } catch (AgentError e) { print("wrong") }\n'
        '} catch (RuntimeError e) { print("outer", e.message) }'
    )
    assert out_of(nexa, body) == "outer division by zero\n"


def test_raise_plain_value_is_a_runtime_error(nexa):
    assert out_of(nexa, 'try { raise "bad" } catch (e) { print(e.kind, e) }') == "RuntimeError bad\n"


def test_otherwise_handles_errors_and_err_values(nexa):
    body = (
        'a = Err("x") otherwise "handled"\n'
        'b = [1][9] otherwise { "block" }\n'
        "c = 5 otherwise 0\n"
        "print(a, b, c)"
    )
    assert out_of(nexa, body) == "handled block 5\n"


def test_coalesce_treats_none_option_none_and_empty_dict_as_empty(nexa):
    body = 'print(none ?? "a", Option::None ?? "b", {} ?? "c", "" ?? "d", 0 ?? "e", none ?? none ?? "f")'
    assert out_of(nexa, body) == "a b c  0 f\n"


def test_postfix_question_mark_unwraps_and_propagates(nexa):
    prelude = (
        "flow half(n) { if n % 2 == 0 { return Ok(n / 2) }\n"
        ' return Err("odd") }\n'
        "flow twice(n) { return half(n)? }"
    )
    body = "print(twice(8))\ntry { twice(3) } catch (PropagatedError e) { print(e.kind, e.message) }"
    assert out_of(nexa, body, prelude) == "4.0\nPropagatedError odd\n"


def test_defer_runs_last_registered_first_at_the_end_of_the_activation(nexa):
    prelude = (
        'flow work { defer print("first registered")\n defer print("second registered")\n print("body") }'
    )
    assert (
        out_of(nexa, 'work()\nprint("after")', prelude)
        == "body\nsecond registered\nfirst registered\nafter\n"
    )


def test_assert_failure_is_an_assertion_error(nexa):
    body = "try { assert 2 * 2 == 5 } catch (AssertionError e) { print(e.code, e.message) }"
    assert out_of(nexa, body) == "E110 assertion failed: 2 * 2 == 5\n"


def test_semantic_assert_passes_offline(nexa):
    assert out_of(nexa, 'assert "the reply is polite" against "hello"\nprint("ok")') == "ok\n"


# ---------------------------------------------------------------------------- semantic control flow


def test_semantic_if_uses_fast_match_then_the_judge(nexa):
    body = """
    for each t in ["give me a refund", "where is my parcel", "nothing here"] {
        semantic_if "the message asks about a 'parcel'" fast_match r"refund" against t {
            print("yes")
        } else {
            print("no")
        }
    }"""
    assert out_of(nexa, body) == "yes\nyes\nno\n"


def test_intent_match_uses_classification(nexa):
    body = """
    for each m in ["what is the weather today", "book a flight"] {
        r = match m {
            intent("weather forecast") => "weather",
            _ => "fallback"
        }
        print(r)
    }"""
    assert out_of(nexa, body) == "weather\nfallback\n"


def test_intent_match_without_default_warns_and_gives_none(nexa):
    outcome = nexa(
        "flow main {\n"
        '    r = match "book a flight" { intent("weather forecast") => "w" }\n'
        "    print(r == none)\n"
        "}\n"
    )
    assert outcome.out == "true\n"
    assert 'warning[E107]: no intent matched "book a flight"' in outcome.err


def test_case_table_branch_runs_the_chosen_case(nexa):
    body = 'r = "refund my order" ?? { "billing refund" => "billing", "shipping" => "ship" }\nprint(r)'
    assert out_of(nexa, body) == "billing\n"


# ---------------------------------------------------------------------------- concurrency


def test_spawn_and_await_a_task(nexa):
    assert out_of(nexa, "t = spawn(fn() { 21 * 2 })\nprint(await t)") == "42\n"


def test_parallel_keeps_list_order(nexa):
    body = "print(parallel([fn() { sleep_ms(20)\n 'slow' }, fn() { 'fast' }]))"
    assert out_of(nexa, body) == '["slow", "fast"]\n'


def test_channels_send_and_receive(nexa):
    body = (
        "let [tx, rx] = channel()\n"
        'send(tx, "a")\n'
        'send(tx, "b")\n'
        "close(tx)\n"
        "print(recv(rx), try_recv(rx), recv(rx) == none)"
    )
    assert out_of(nexa, body) == "a b true\n"


def test_fork_merge_strategies(nexa):
    body = (
        'print(fork [1, 5, 3] merge best_of, fork ["a", "b", "a"] merge vote, fork [x = 1, 2] merge all, x)'
    )
    assert out_of(nexa, body) == "5 a [1, 2] 1\n"


def test_top_level_statements_run_before_main(nexa):
    outcome = nexa('greeting = "hi"\nprint("top")\nflow main { print(greeting) }\n')
    assert outcome.out == "top\nhi\n"


def test_without_main_every_parameterless_flow_runs_with_a_banner(nexa):
    outcome = nexa('flow a { print("A") }\nflow b(x) { print("B") }\nflow c { print("C") }\n')
    assert outcome.code == 0
    assert outcome.out == "=== Running flow: a ===\nA\n=== Running flow: c ===\nC\n"


def test_command_line_arguments_go_to_main(nexa):
    outcome = nexa("flow main(a, b) { print(a, b == none) }\n", args=["x"])
    assert outcome.out == "x true\n"


def test_top_level_defer_runs_at_program_end(nexa):
    outcome = nexa('defer print("bye")\nflow main { print("main") }\n')
    assert outcome.out == "main\nbye\n"


def test_python_block_without_host_is_a_coded_error(nexa):
    outcome = nexa('flow main {\n    python! """\nprint(1)\n"""\n}\n')
    assert outcome.code == 1
    assert (
        "Error: RuntimeError: python! block denied: running host Python code is off; "
        "allow it with --allow-python or [sandbox] python" in outcome.err
    )
    assert "= code E402 (permission-denied)" in outcome.err
