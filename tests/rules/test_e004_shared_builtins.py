"""E004 case 3 and built-ins shared by std namespaces: the same function offered through two items
is no duplicate (S§1.6, S§2.11, S§5.1); two different functions under one name are, and so is an
item that adds nothing to the tool set."""

from collections.abc import Callable

import pytest

Found = Callable[..., list[tuple[str, int, int, str]]]


@pytest.mark.parametrize(
    "uses",
    [
        "std.db.sqlite, std.concurrent",  # both offer the one built-in close(ch | db)
        "std.concurrent, std.db.postgres",
        "std.db.sqlite, std.template, std.concurrent",
        "std.concurrent.close, std.db.sqlite",  # the namespace brings more than the shared close
    ],
)
def test_e004_not_reported_for_one_builtin_offered_by_two_namespaces(found: Found, uses: str) -> None:
    assert found(f'agent B2 uses {uses} {{ prompt: "x" }}\n', "E004") == []


def test_e004_not_reported_for_a_builtin_listed_before_a_namespace_holding_it(found: Found) -> None:
    text = 'agent B2 uses std.db.sqlite {\n    prompt: "x"\n    tools = [close]\n}\n'
    assert found(text.replace("std.db.sqlite", "std.fs"), "E004") == []
    text = 'agent B2 {\n    prompt: "x"\n    tools = [close]\n    uses std.db.sqlite\n}\n'
    assert found(text, "E004") == []


@pytest.mark.parametrize(
    ("uses", "column", "name", "first"),
    [
        ("std.kv, std.db.memory", 23, "list", "std.kv"),  # kv list vs agent_memory_list
        ("std.db.sqlite, std.db.postgres", 30, "connect", "std.db.sqlite"),  # each engine's connect
        ("std.db.memory, std.db.sqlite", 30, "query", "std.db.memory"),
        ("std.db.sqlite, std.concurrent.close", 30, "close", "std.db.sqlite"),  # adds nothing
        ("std.concurrent, std.concurrent", 31, "after", "std.concurrent"),
    ],
)
def test_e004_still_reported_for_different_functions_or_an_item_adding_nothing(
    found: Found, uses: str, column: int, name: str, first: str
) -> None:
    message = f"tool name '{name}' is already offered to 'B2' by '{first}'"
    assert found(f'agent B2 uses {uses} {{ prompt: "x" }}\n', "E004") == [("E004", 1, column, message)]


def test_e004_a_declared_tool_is_not_the_builtin_of_its_name(found: Found) -> None:
    text = (
        'tool close { description: "close the ticket" }\n'
        'agent B2 uses std.concurrent {\n    prompt: "x"\n    tools = [close]\n}\n'
    )
    message = "tool name 'close' is already offered to 'B2' by 'std.concurrent'"
    assert found(text, "E004") == [("E004", 4, 14, message)]


def test_e004_a_builtin_after_a_namespace_holding_it_adds_nothing(found: Found) -> None:
    text = 'agent B2 uses std.db.sqlite {\n    prompt: "x"\n    tools = [close]\n}\n'
    message = "tool name 'close' is already offered to 'B2' by 'std.db.sqlite'"
    assert found(text, "E004") == [("E004", 3, 14, message)]
