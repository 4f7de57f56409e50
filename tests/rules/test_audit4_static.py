"""Audit 4 (static checks of the H, G, S and W families, and what they met on the way): each test
pins a disagreement with diagnostics.md that was fixed, next to a near miss that must not change."""

from collections.abc import Callable

Found = Callable[..., list[tuple[str, int, int, str]]]


def test_e012_not_reported_for_mcp_and_python_tools(found: Found) -> None:
    # S§5.2: their parameters come from the MCP server or the Python module, not the program
    text = (
        'tool pyt { python: "helpers/tools.py" }\n'
        'tool repo_search { mcp: "https://tools.example.org/mcp.json" }\n'
        "flow main {\n"
        '    print(pyt("x", 2))\n'
        '    print(repo_search("query"))\n'
        '    print(repo_search.run(q = "query"))\n'
        "}\n"
    )
    assert found(text, "E012") == []


def test_e012_still_reported_for_a_described_tool_without_parameters(found: Found) -> None:
    text = 'tool d { description: "Described, no parameters" }\nflow main { print(d("x")) }\n'
    assert found(text, "E012") == [("E012", 2, 21, "'d' takes 0 argument(s) but 1 were given")]
