"""Lowering the CST into the typed AST (nexa_lang.lowering)."""

from nexa_lang import ast
from nexa_lang.model import SourceFile


def module(source: str) -> ast.Module:
    return SourceFile.from_text(source).module


def test_agent_members_of_every_form():
    agent = module(
        "@retry(max_attempts=2)\nagent W uses std.fs, T implements P -> str {\n"
        ' model "m"\n role: "r",\n memory = db(h)\n uses X\n fn f() { return 1 }\n}'
    ).items[0]
    assert isinstance(agent, ast.AgentDecl)
    assert [d.name for d in agent.decorators] == ["retry"]
    assert [u.text for u in agent.uses] == ["std.fs", "T", "X"]
    assert [p.id for p in agent.implements] == ["P"]
    assert [(p.key, p.colonless, p.is_assignment) for p in agent.properties] == [
        ("model", True, False),
        ("role", False, False),
        ("memory", False, True),
    ]
    assert [f.name for f in agent.functions] == ["f"]


def test_string_escapes_and_interpolations():
    stmt = module('print "a\\tb #{user.name} \\#{x} #{a + b}"').items[0]
    assert isinstance(stmt, ast.Print) and isinstance(stmt.value, ast.StringLit)
    value = stmt.value
    assert [i.path for i in value.interpolations] == ["user.name"]
    assert value.value == "a\tb #{user.name} #{x} #{a + b}"


def test_interpolation_of_a_reserved_word_stays_text():
    stmt = module('print "#{agent.name}"').items[0]
    assert isinstance(stmt, ast.Print) and isinstance(stmt.value, ast.StringLit)
    assert stmt.value.interpolations == [] and stmt.value.value == "#{agent.name}"


def test_dag_precedence_reaches_the_ast():
    stmt = module('r = "x" |>> [A, B] &>> C >> D').items[0]
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dag)
    assert stmt.value.op == ">>" and isinstance(stmt.value.left, ast.Dag) and stmt.value.left.op == "&>>"


def test_guard_after_the_arm_body():
    stmt = module("r = match 5 { n => n if n > 0, _ => 0 }").items[0]
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Match)
    arm = stmt.value.arms[0]
    assert isinstance(arm, ast.MatchArm) and arm.guard_after and isinstance(arm.guard, ast.Binary)


def test_broken_text_still_lowers_the_other_declarations():
    items = module('flow a {\n x = \n}\nagent B { prompt: "p" }\n').items
    assert any(isinstance(i, ast.AgentDecl) and i.name == "B" for i in items)


def test_cjk_spans_are_byte_offsets():
    source = 'agent 助手 { prompt: "你好" }'
    file = SourceFile.from_text('flow main { x = "你好" >> Bot }')
    stmt = file.module.items[0].body.statements[0]
    assert file.text_of(stmt.value.right.span) == "Bot"
    assert source  # CJK text before the name keeps the span right (bytes, converted at the edge)
