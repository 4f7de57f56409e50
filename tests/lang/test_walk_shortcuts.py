"""Shortcuts the model's walks take: which node classes can have children (nexa_lang.ast), and the
program's declarations listed once (nexa_lang.model.Program)."""

from nexa_lang import ast
from nexa_lang.model import SourceFile, program_of_text

SOURCE = """agent A { prompt: "a" }
flow first { x = "#{y}" }
agent B { prompt: "b" }
flow main { print(1) }
"""


def test_a_class_without_node_fields_has_no_children():
    assert not ast.may_have_children(ast.Name)
    assert not ast.may_have_children(ast.Number)


def test_a_class_with_a_node_field_or_its_own_child_list_may_have_children():
    assert ast.may_have_children(ast.Assign)
    assert ast.may_have_children(ast.StringLit)  # its interpolations, listed by hand


def test_the_node_index_still_lists_the_names_inside_a_string():
    file = SourceFile.from_text(SOURCE)
    names = [n.id for n in file.nodes.nodes(ast.Name)]
    assert names == [n.id for n in file.module.walk() if isinstance(n, ast.Name)]
    assert "y" in names


def test_of_kind_lists_declarations_of_one_kind_in_merge_order_each_time():
    program = program_of_text(SOURCE)
    flows = [d.name for _, d in program.of_kind(ast.FlowDecl)]
    assert flows == ["first", "main"]
    assert [d.name for _, d in program.of_kind(ast.FlowDecl)] == flows
    assert [d.name for _, d in program.declarations()] == ["A", "first", "B", "main"]
