"""E003 missing-required-property (diagnostics.md §4, S§5.2, L§3.10)."""


def test_e003_tool_without_description_points_at_its_name(found):
    text = 'tool fetch_rates {\n    parameters: {"base": "string"}\n}\n'
    assert found(text, "E003") == [
        ("E003", 1, 6, "tool 'fetch_rates' needs a 'description' (or an 'mcp' or 'python' source)")
    ]


def test_e003_not_reported_for_a_described_tool(found):
    text = 'tool fetch_rates {\n    description: "Rates",\n    parameters: {"base": "string"}\n}\n'
    assert found(text, "E003") == []


def test_e003_mcp_and_python_tools_need_no_description(found):
    assert found('tool a { mcp: "https://x.org/mcp" }\ntool b { python: "t.py" }\n', "E003") == []


def test_e003_wasm_tool_without_description(found):
    assert [c for c, *_ in found('tool w { wasm: "w.wasm" }\n', "E003")] == ["E003"]


def test_e003_fix_inserts_a_description_first(fixed):
    text = 'tool fetch_rates {\n    parameters: {"base": "string"}\n}\n'
    assert (
        fixed(text, "E003")
        == 'tool fetch_rates {\n    description: "",\n    parameters: {"base": "string"}\n}\n'
    )


def test_e003_job_without_perform(found, fixed):
    text = 'job Sync on "q" {\n    retry: 2\n}\n'
    assert found(text, "E003") == [("E003", 1, 5, "job 'Sync' has no 'perform' block")]
    assert fixed(text, "E003") == 'job Sync on "q" {\n    retry: 2\n    perform() {\n    }\n}\n'


def test_e003_job_with_perform_is_fine(found):
    assert found('job Sync on "q" {\n    perform(x) { print(x) }\n}\n', "E003") == []


def test_e003_agents_need_no_property(found):
    assert found("agent Router {}\n", "E003") == []
