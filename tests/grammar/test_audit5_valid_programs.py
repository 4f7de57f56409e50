"""Audit 5 (valid programs): programs written from nexa-language.md §1–§5 parse with no syntax error,
and those without checker errors run; agent properties take the spec's type expressions (G16).

The programs in `audit5_valid/` cover every syntax form of §1–§5: string kinds and escapes,
comments, every declaration and its optional parts, every statement, every operator level, the DAG
operators, both `semantic_if` forms, `match intent`, patterns, lambdas, harness statements.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nexa_avm.cli import main
from nexa_lang import ast
from nexa_lang.check import check_source
from nexa_lang.lowering import lower
from nexa_lang.parsing import parse

PROGRAMS = Path(__file__).parent / "audit5_valid"
# Parse-only: checker errors unrelated to syntax (an agent in `uses`, a hook on an unknown tool), or
# `receive()` outside an actor (t4.nx, which exists for its type forms).
PARSE_ONLY = {"decl1.nx", "h1.nx", "t4.nx"}


@pytest.mark.parametrize("name", sorted(p.name for p in PROGRAMS.glob("*.nx")))
def test_valid_program_has_no_syntax_error(name: str) -> None:
    text = (PROGRAMS / name).read_text(encoding="utf-8")
    assert _codes(text, "E008") == []


@pytest.mark.parametrize("name", sorted(p.name for p in PROGRAMS.glob("*.nx") if p.name not in PARSE_ONLY))
def test_valid_program_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEXA_PROVIDER", raising=False)
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", str(PROGRAMS / name), "--allow-python"], out, err)
    assert code == 0, err.getvalue()


def test_spec_outputs_of_a_few_programs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", str(PROGRAMS / "lex1.nx")], out, err) == 0
    # §1.6.3: interpolation of paths, `#{}` is empty, a non-path stays literal, `\#{` is literal.
    assert "Hi Lin, best 9, Lin, 1, " in out.getvalue()
    assert ", , #{a + b}, literal #{who}" in out.getvalue()


def _codes(text: str, *codes: str) -> list[str]:
    """The codes among `codes` that `nexa-lsp --check` reports for `text` (E008 included)."""
    return [d.code for d in check_source(text) if d.code in codes]


AGENT = 'protocol Invoice {{ total: float }}\nagent A {{\n    prompt: "p"\n    {key}: {value}\n}}\n'


def _property_value(value: str, key: str = "output_type") -> ast.Expr:
    source = AGENT.format(key=key, value=value).encode("utf-8")
    module = lower(parse(source).root_node, source)
    (agent,) = [d for d in module.items if isinstance(d, ast.AgentDecl)]
    return next(p.value for p in agent.properties if p.key == key)


@pytest.mark.parametrize(
    "value",
    ["dict[str, int]", "Invoice | str", "list[Invoice | str]", "Result[int, str]?", "list[str] | none"],
)
@pytest.mark.parametrize("key", ["input_type", "output_type"])
def test_type_expressions_are_property_values(key: str, value: str) -> None:
    # §3.1.5: "a type expression for input_type/output_type"; these were E008 before G16.
    text = AGENT.format(key=key, value=value) + 'flow main() { print(A.run("x")) }\n'
    assert _codes(text, "E008", "E010") == []


def test_type_property_values_lower_to_the_expression_shapes() -> None:
    union = _property_value("Invoice | str")
    assert isinstance(union, ast.Binary) and union.op == "|"
    assert isinstance(union.left, ast.Name) and union.left.id == "Invoice"
    generic = _property_value("dict[str, int]")
    assert isinstance(generic, ast.Index) and isinstance(generic.index, ast.ListLit)
    assert [e.id for e in generic.index.elements if isinstance(e, ast.Name)] == ["str", "int"]
    optional = _property_value("Result[int, str]?")
    assert isinstance(optional, ast.TryExpr) and isinstance(optional.operand, ast.Index)


def test_near_misses_stay_as_they_were() -> None:
    # Text that is also an expression keeps its expression parse (G7).
    assert isinstance(_property_value("list[str]"), ast.Index)
    assert isinstance(_property_value("str?"), ast.TryExpr)
    assert isinstance(_property_value("x + 1", key="note"), ast.Binary)
    # A union is still no expression in a flow, and a dangling `|` is still a syntax error.
    assert _codes("flow main() { x = int | str }\n", "E008") == ["E008"]
    assert _codes(AGENT.format(key="output_type", value="Invoice |"), "E008")
