"""`nexa-lsp --check` output formats: full, concise, json, sarif, github, junit.

Every format shows 1-based lines and columns counted in code points, so text with CJK and emoji
before an error keeps the column right (diagnostics.md §1.5).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

# `x = "写一首诗🙂" = 1`: the second `=` is code point 17 of line 2 (byte 28, UTF-16 unit 18).
BROKEN = 'flow main {\n    x = "写一首诗🙂" = 1\n}\n'
BROKEN_AT = (2, 17)
FIXABLE = 'agent A { prompt: "写", model: " gpt-4o" }\n'  # E005 at 1:31, safe fix


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "broken.nx").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "fixable.nx").write_text(FIXABLE, encoding="utf-8")
    (tmp_path / "clean.nx").write_text('agent C { prompt: "干净" }\n', encoding="utf-8")
    return tmp_path


def test_full_format_shows_the_line_and_a_caret_under_the_column(nexa_lsp, files: Path):
    run = nexa_lsp("--check", "broken.nx")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "broken.nx:2:17: E008 unexpected '=' in flow 'main'"
    assert lines[1] == ' 2 |     x = "写一首诗🙂" = 1'
    # The caret sits under `=` on a terminal: CJK and emoji are two columns wide.
    assert lines[2] == "   |                      ^"
    assert "\x1b[" not in run.stdout  # no colour when piped
    assert lines[-1] == "Found 1 diagnostic (1 error) in 1 file."


def test_full_format_lists_fixes_and_related_text(nexa_lsp, files: Path):
    out = nexa_lsp("--check", "fixable.nx", "broken.nx").stdout
    assert "  = fix (safe): " in out
    assert "  = related: broken.nx:2:17: the parser skipped this text" in out


def test_concise_format_is_one_line_per_diagnostic(nexa_lsp, files: Path):
    run = nexa_lsp("--check", "broken.nx", "fixable.nx", "clean.nx", "--output-format", "concise")
    assert run.stdout.splitlines() == [
        "broken.nx:2:17: E008 unexpected '=' in flow 'main'",
        "fixable.nx:1:31: E005 invalid model identifier ' gpt-4o': it has surrounding white space",
    ]


def test_clean_run_prints_nothing(nexa_lsp, files: Path):
    run = nexa_lsp("--check", "clean.nx")
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")


def json_of(nexa_lsp, *args: str) -> list[dict]:
    return json.loads(nexa_lsp("--check", *args, "--output-format", "json").stdout)


def test_json_is_an_empty_array_when_clean(nexa_lsp, files: Path):
    assert json_of(nexa_lsp, "clean.nx") == []


def test_json_objects_have_the_documented_fields(nexa_lsp, files: Path):
    [record] = json_of(nexa_lsp, "fixable.nx")
    assert record["filename"] == "fixable.nx"
    assert (record["code"], record["name"], record["severity"]) == (
        "E005",
        "invalid-model-identifier",
        "error",
    )
    assert record["location"] == {"row": 1, "column": 31}
    assert record["end_location"] == {"row": 1, "column": 40}  # exclusive: `" gpt-4o"` is 9 code points
    assert record["fix"]["applicability"] == "safe"
    assert record["fix"]["edits"][0]["location"] == {"row": 1, "column": 31}
    assert record["related"] == []
    assert record["url"].endswith("#e005-invalid-model-identifier")


def test_json_related_locations(nexa_lsp, files: Path):
    [record] = json_of(nexa_lsp, "broken.nx")
    assert record["related"] == [
        {
            "filename": "broken.nx",
            "message": "the parser skipped this text",
            "location": {"row": 2, "column": 17},
            "end_location": {"row": 2, "column": 18},
        }
    ]


def test_json_is_sorted_by_filename_row_column_code(nexa_lsp, files: Path):
    (files / "sub").mkdir()
    (files / "sub" / "a.nx").write_text("flow f { x = = 1 }\nflow g { y = = 2 }\n", encoding="utf-8")
    records = json_of(nexa_lsp, "sub", "fixable.nx", "broken.nx")
    keys = [(r["filename"], r["location"]["row"], r["location"]["column"], r["code"]) for r in records]
    assert keys == sorted(keys)
    assert [r["filename"] for r in records] == ["broken.nx", "fixable.nx", "sub/a.nx", "sub/a.nx"]


def test_json_filename_is_as_given_on_the_command_line(nexa_lsp, files: Path):
    (files / "deep").mkdir()
    (files / "deep" / "b.nx").write_text(BROKEN, encoding="utf-8")
    assert json_of(nexa_lsp, "./deep/")[0]["filename"] == "./deep/b.nx"
    assert json_of(nexa_lsp, str(files / "broken.nx"))[0]["filename"] == str(files / "broken.nx")


def test_github_annotations(nexa_lsp, files: Path):
    run = nexa_lsp("--check", "broken.nx", "fixable.nx", "--output-format", "github")
    assert run.stdout.splitlines() == [
        "::error file=broken.nx,line=2,col=17,endLine=2,endColumn=18,title=E008::"
        "E008 unexpected '=' in flow 'main'",
        "::error file=fixable.nx,line=1,col=31,endLine=1,endColumn=40,title=E005::"
        "E005 invalid model identifier ' gpt-4o': it has surrounding white space",
    ]


def test_junit_has_one_testcase_per_file_and_a_failure_per_diagnostic(nexa_lsp, files: Path):
    run = nexa_lsp("--check", ".", "--output-format", "junit")
    root = ElementTree.fromstring(run.stdout)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert sorted(cases) == ["broken.nx", "clean.nx", "fixable.nx"]
    assert cases["clean.nx"].findall("failure") == []
    [failure] = cases["broken.nx"].findall("failure")
    assert failure.get("type") == "E008"
    assert failure.text == "broken.nx:2:17: E008 unexpected '=' in flow 'main'"
    assert root.get("failures") == "2" and root.get("tests") == "3"


# The SARIF 2.1.0 schema cannot be downloaded here (no network). This is a subset written from the
# SARIF 2.1.0 specification (OASIS, sections 3.13 sarifLog, 3.14 run, 3.19 toolComponent, 3.27
# result, 3.28 location, 3.29 physicalLocation, 3.30 region, 3.49 reportingDescriptor, 3.55 fix)
# for exactly the properties this tool emits: required members, types, enumerations and minimums.
# It checks the shape of our output; it is not the official schema.
_REGION = {
    "type": "object",
    "properties": {
        k: {"type": "integer", "minimum": 1} for k in ("startLine", "startColumn", "endLine", "endColumn")
    },
    "required": ["startLine"],
    "additionalProperties": False,
}
_ARTIFACT_LOCATION = {
    "type": "object",
    "properties": {"uri": {"type": "string", "format": "uri-reference"}, "uriBaseId": {"type": "string"}},
    "required": ["uri"],
    "additionalProperties": False,
}
_MESSAGE = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
_LOCATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "minimum": -1},
        "physicalLocation": {
            "type": "object",
            "properties": {"artifactLocation": _ARTIFACT_LOCATION, "region": _REGION},
            "required": ["artifactLocation"],
            "additionalProperties": False,
        },
        "message": _MESSAGE,
    },
    "additionalProperties": False,
}
_LEVEL = {"enum": ["none", "note", "warning", "error"]}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "additionalProperties": False,
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "additionalProperties": False,
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "helpUri": {"type": "string", "format": "uri"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {"level": _LEVEL},
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "originalUriBaseIds": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "properties": {"uri": {"type": "string", "format": "uri"}},
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "additionalProperties": False,
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": _LEVEL,
                                "message": _MESSAGE,
                                "locations": {"type": "array", "items": _LOCATION},
                                "relatedLocations": {"type": "array", "items": _LOCATION},
                                "fixes": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["artifactChanges"],
                                        "properties": {
                                            "description": _MESSAGE,
                                            "artifactChanges": {
                                                "type": "array",
                                                "minItems": 1,
                                                "items": {
                                                    "type": "object",
                                                    "required": ["artifactLocation", "replacements"],
                                                    "properties": {
                                                        "artifactLocation": _ARTIFACT_LOCATION,
                                                        "replacements": {
                                                            "type": "array",
                                                            "minItems": 1,
                                                            "items": {
                                                                "type": "object",
                                                                "required": ["deletedRegion"],
                                                                "properties": {
                                                                    "deletedRegion": _REGION,
                                                                    "insertedContent": _MESSAGE,
                                                                },
                                                            },
                                                        },
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def sarif_of(nexa_lsp, *args: str) -> dict:
    log = json.loads(nexa_lsp("--check", *args, "--output-format", "sarif").stdout)
    jsonschema.validate(log, SARIF_SUBSET, format_checker=jsonschema.FormatChecker())
    return log


def test_sarif_validates_and_counts_code_points(nexa_lsp, files: Path):
    log = sarif_of(nexa_lsp, "broken.nx", "fixable.nx")
    [run] = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    broken, fixable = run["results"]
    region = broken["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 17, "endLine": 2, "endColumn": 18}
    assert broken["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "broken.nx",
        "uriBaseId": "%SRCROOT%",
    }
    assert run["tool"]["driver"]["rules"][broken["ruleIndex"]]["id"] == "E008"
    assert fixable["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"] == {
        "text": '"gpt-4o"'
    }


def test_sarif_of_a_clean_run_has_no_results(nexa_lsp, files: Path):
    assert sarif_of(nexa_lsp, "clean.nx")["runs"][0]["results"] == []


def test_sarif_uri_of_a_name_with_spaces_is_encoded(nexa_lsp, files: Path):
    (files / "with space.nx").write_text(BROKEN, encoding="utf-8")
    log = sarif_of(nexa_lsp, "with space.nx")
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "with%20space.nx"
    )


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "sarif", "github", "junit"])
def test_cjk_before_the_error_keeps_the_column_in_every_format(nexa_lsp, files: Path, output_format: str):
    out = nexa_lsp("--check", "broken.nx", "--output-format", output_format).stdout
    line, column = BROKEN_AT
    expected = {
        "full": f"broken.nx:{line}:{column}:",
        "concise": f"broken.nx:{line}:{column}:",
        "json": f'"location": {{"row": {line}, "column": {column}}}',
        "sarif": f'"startLine": {line},\n                  "startColumn": {column}',
        "github": f"line={line},col={column},",
        "junit": f"broken.nx:{line}:{column}:",
    }[output_format]
    assert expected in out
