"""locals.scm follows Nexa's activation scoping and covers every name of the corpus; tags.scm
defines every kind of declaration and references calls and DAG operands."""

from collections.abc import Callable
from pathlib import Path

import pytest
import tree_sitter


def captured(query: tree_sitter.Query, root: tree_sitter.Node) -> dict[str, list[tree_sitter.Node]]:
    return tree_sitter.QueryCursor(query).captures(root)


def texts(nodes: list[tree_sitter.Node]) -> list[str]:
    ordered = sorted(nodes, key=lambda node: node.start_byte)
    return [node.text.decode() if node.text is not None else "" for node in ordered]


# ---------------------------------------------------------------- locals

SCOPED = (
    "answer = 42\n"
    "flow route(ticket, limit: int = 3) {\n"
    "    if ticket.urgent {\n"
    "        level = limit\n"
    "    }\n"
    "    print(level)\n"
    "    handler = fn(msg) { reply = msg }\n"
    "    match ticket { [first, ..others] => first, Kind::Big(size) => size }\n"
    "    try { go() } catch (err) { log(err) }\n"
    "}\n"
)


def test_scopes_are_activations_not_blocks(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    scopes = captured(query("locals"), parse(SCOPED).root_node)["local.scope"]
    assert sorted(node.type for node in scopes) == ["flow_declaration", "lambda_expression", "source_file"]


def test_bindings_are_local_definitions(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    definitions = captured(query("locals"), parse(SCOPED).root_node)["local.definition"]
    assert texts(definitions) == [
        "answer", "ticket", "limit", "level", "handler", "msg", "reply", "first", "others", "size", "err",
    ]  # fmt: skip


def test_names_read_in_expressions_are_references(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    references = captured(query("locals"), parse(SCOPED).root_node)["local.reference"]
    # `int` is a type reference; `urgent` (a member name) and `Kind::Big`'s `Big` are not names.
    assert texts(references) == [
        "int", "ticket", "limit", "level", "msg", "ticket", "first", "Kind", "size", "go", "log", "err",
    ]  # fmt: skip


def test_declarations_are_not_local_definitions(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    # `tree-sitter tags` drops references that resolve to a local definition; declarations are
    # global tags and must stay referable.
    source = 'agent Writer { prompt: "p" }\nflow main { x >> Writer }\n'
    definitions = captured(query("locals"), parse(source).root_node).get("local.definition", [])
    assert definitions == []


# Identifier positions that are names of something other than a variable: declared names (tags),
# keys, member names, decorators, error kinds, namespace paths, symbols.
NOT_A_REFERENCE = {
    ("agent_declaration", "name"), ("tool_declaration", "name"), ("tool_function_declaration", "name"),
    ("flow_declaration", "name"), ("function_declaration", "name"), ("function_signature", "name"),
    ("protocol_declaration", "name"), ("struct_declaration", "name"), ("enum_declaration", "name"),
    ("trait_declaration", "name"), ("type_declaration", "name"), ("job_declaration", "name"),
    ("enum_variant", "name"), ("field_declaration", "name"), ("protocol_field", "name"),
    ("db_declaration", "name"), ("kv_declaration", "name"), ("auth_declaration", "name"),
    ("server_declaration", "port"), ("import_declaration", "alias"), ("dotted_name", None),
    ("property", "key"), ("property", "value"), ("member_assignment", "key"), ("pair", "key"),
    ("member_expression", "member"), ("keyword_argument", "name"), ("map_pattern_entry", "key"),
    ("decorator", "name"), ("decorator_argument", "name"), ("harness_parameter", "name"),
    ("harness_parameter", "value"), ("tool_option", "key"), ("tool_option", "value"),
    ("job_option", "key"), ("job_option", "value"), ("job_declaration", "queue"),
    ("fork_expression", "strategy"), ("scoped_identifier", "name"), ("variant_pattern", "variant"),
    ("catch_clause", "kind"), ("correction_clause", "kind"), ("hook_statement", "kind"),
}  # fmt: skip


def field_of(node: tree_sitter.Node) -> str | None:
    parent = node.parent
    assert parent is not None
    for index, child in enumerate(parent.children):
        if child.id == node.id:
            return parent.field_name_for_child(index)
    return None


def test_every_corpus_name_is_a_definition_a_reference_or_a_key(
    corpus_files: list[Path],
    parse: Callable[[bytes], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
) -> None:
    unexplained: set[tuple[str, str | None]] = set()
    twice: list[str] = []
    for path in corpus_files:
        root = parse(path.read_bytes()).root_node
        captures = captured(query("locals"), root)
        named = [n.id for n in captures.get("local.definition", []) + captures.get("local.reference", [])]
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if node.type != "identifier":
                continue
            count = named.count(node.id)
            if count > 1:
                twice.append(f"{path.name}:{node.start_point.row + 1}")
            parent = node.parent
            assert parent is not None
            if count == 0 and (parent.type, field_of(node)) not in NOT_A_REFERENCE:
                unexplained.add((parent.type, field_of(node)))
    assert unexplained == set()
    assert twice == []


# ---------------------------------------------------------------- tags

DECLARED = (
    "// Writes drafts.\n"
    'agent Writer { prompt: "p"\n    fn polish(t) { return t } }\n'
    'tool Search { description: "s" }\n'
    '@tool("Read")\nfn read(path) { return path }\n'
    "flow main { return 1 }\n"
    "protocol Draft { title: str }\n"
    "struct Vec2 { dx: Int }\n"
    "enum Shape { Dot }\n"
    "trait Named { fn label(): str }\n"
    "type Email = str\n"
    'job Sync on "q" { perform() { x() } }\n'
)


def tags(query: tree_sitter.Query, root: tree_sitter.Node) -> list[tuple[str, str]]:
    found = []
    for _, captures in tree_sitter.QueryCursor(query).matches(root):
        [kind] = [name for name in captures if name not in ("name", "doc")]
        for name in captures["name"]:
            found.append((kind, name.text.decode() if name.text is not None else ""))
    return found


def test_every_kind_of_declaration_is_a_definition(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    definitions = [
        tag for tag in tags(query("tags"), parse(DECLARED).root_node) if tag[0].startswith("definition")
    ]
    assert sorted(definitions) == sorted([
        ("definition.class", "Writer"), ("definition.method", "polish"), ("definition.function", "Search"),
        ("definition.function", "read"), ("definition.function", "main"), ("definition.interface", "Draft"),
        ("definition.struct", "Vec2"), ("definition.enum", "Shape"), ("definition.interface", "Named"),
        ("definition.method", "label"), ("definition.type", "Email"), ("definition.class", "Sync"),
    ])  # fmt: skip


def test_the_comment_above_a_declaration_is_its_doc(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    docs = [
        captures.get("doc", [])
        for _, captures in tree_sitter.QueryCursor(query("tags")).matches(parse(DECLARED).root_node)
        if "definition.class" in captures and texts(captures["name"]) == ["Writer"]
    ]
    assert [texts(nodes) for nodes in docs] == [["// Writes drafts."]]


@pytest.mark.parametrize(
    ("source", "called"),
    [
        ("flow f { helper(1) }", ["helper"]),
        ("flow f { Greeter.run(q) }", ["run"]),
        ("flow f { s = Shape::Circle(2) }", ["Circle"]),
        ("flow f { r = draft >> Writer }", ["draft", "Writer"]),
        ("flow f { r = q |>> [A, B] && Judge }", ["q", "A", "B", "Judge"]),
        ('server 80 { route GET "/" => Intake |>> handle }', ["Intake", "handle"]),
        ("server 80 { middleware [auth_check] }", ["auth_check"]),
        ("flow f { a = spawn Auditor(x) }", ["Auditor"]),
    ],
)
def test_calls_and_dag_operands_are_call_references(
    source: str,
    called: list[str],
    parse: Callable[[str], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
) -> None:
    references = [
        tag for tag in tags(query("tags"), parse(source).root_node) if tag[0].startswith("reference")
    ]
    assert sorted(references) == sorted(("reference.call", name) for name in called)


def test_implemented_protocols_and_traits_are_implementation_references(
    parse: Callable[[str], tree_sitter.Tree], query: Callable[[str], tree_sitter.Query]
) -> None:
    source = 'agent A implements Draft { prompt: "p" }\nimpl Named for Vec2 { fn label() { "v" } }\n'
    references = [
        tag for tag in tags(query("tags"), parse(source).root_node) if tag[0].startswith("reference")
    ]
    assert sorted(references) == [
        ("reference.implementation", "Draft"),
        ("reference.implementation", "Named"),
    ]


def test_corpus_tags_name_every_agent_and_flow(
    corpus_files: list[Path],
    parse: Callable[[bytes], tree_sitter.Tree],
    query: Callable[[str], tree_sitter.Query],
) -> None:
    kinds = {"agent_declaration": "definition.class", "flow_declaration": "definition.function"}
    untagged = []
    checked = 0
    for path in corpus_files:
        root = parse(path.read_bytes()).root_node
        tagged = set(tags(query("tags"), root))
        for node in root.named_children:
            name = node.child_by_field_name("name")
            if node.type in kinds and name is not None and name.text is not None:
                checked += 1
                if (kinds[node.type], name.text.decode()) not in tagged:
                    untagged.append(f"{path.name}: {name.text.decode()}")
    assert untagged == []
    assert checked > 100
