"""E014 unknown-module: `import` of something that is not `std`."""

MESSAGE = "unknown module '{}'; only 'std' and its namespaces can be imported"


def test_e014_a_community_module(found) -> None:
    assert found("import community.tools as ct\n", "E014") == [
        ("E014", 1, 8, MESSAGE.format("community.tools"))
    ]


def test_e014_not_reported_for_std_and_its_namespaces(found) -> None:
    assert found('import std\nimport std.fs as files\nimport "std"\n', "E014") == []


def test_e014_a_string_module_path(found) -> None:
    assert found('import "helpers"\n', "E014") == [("E014", 1, 8, MESSAGE.format("helpers"))]


def test_e014_unknown_std_namespace_is_e303_not_e014(found) -> None:
    assert [code for code, *_ in found("import std.os\n", "E014", "E303")] == ["E303"]
