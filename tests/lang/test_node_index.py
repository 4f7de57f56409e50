"""The node index (nexa_lang.node_index) and the generated child listers it walks with (nexa_lang.ast)."""

from dataclasses import dataclass

from nexa_lang import ast
from nexa_lang.model import SourceFile
from nexa_lang.node_index import FileNodes

SOURCE = """flow main {
    a = 1
    f = fn() { b = 2 }
    for x in [1, 2] { c = x }
}
flow other { d = 3 }
"""


def test_within_lists_the_nodes_below_a_node_in_walk_order():
    file = SourceFile.from_text(SOURCE)
    main = file.module.declarations[0]
    walked = [n for n in main.walk() if isinstance(n, ast.Assign)]
    assert file.nodes.within(main, (ast.Assign,)) == walked
    assert [n.target.id for n in walked] == ["a", "f", "b", "c"]


def test_within_leaves_out_opaque_subtrees():
    file = SourceFile.from_text(SOURCE)
    main = file.module.declarations[0]
    found = file.nodes.within(main, (ast.Assign,), (ast.Lambda,))
    assert [n.target.id for n in found] == ["a", "f", "c"]


def test_within_includes_the_node_itself_and_stops_at_its_end():
    file = SourceFile.from_text(SOURCE)
    first = file.module.declarations[0].body.statements[0]
    assert file.nodes.within(first, (ast.Assign,)) == [first]


def test_within_a_node_of_another_tree_indexes_that_tree():
    index = FileNodes(SourceFile.from_text(SOURCE).module)
    other = SourceFile.from_text("flow z { e = 5 }").module
    assert [n.target.id for n in index.within(other, (ast.Assign,))] == ["e"]


def test_a_subclass_made_after_its_base_was_listed_lists_its_own_fields():
    ast.Member(object=ast.Name(id="o"), name="m").child_list()  # installs Member's lister

    @dataclass(kw_only=True, eq=False)
    class Tagged(ast.Member):
        tag: ast.Expr | None = None

    node = Tagged(object=ast.Name(id="o"), name="m", tag=ast.Name(id="t"))
    assert [n.id for n in node.child_list()] == ["o", "t"]


def test_listing_a_base_class_instance_does_not_change_its_subclasses():
    assert ast.Expr().child_list() == []  # installs Expr's lister, which lists no fields
    call = ast.Call(function=ast.Name(id="f"), arguments=[ast.Argument(value=ast.Name(id="x"))])
    assert [type(n).__name__ for n in call.child_list()] == ["Name", "Argument"]
