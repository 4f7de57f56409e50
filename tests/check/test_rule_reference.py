"""The shipped diagnostic reference is current and has a heading for every code link."""

import re

from nexa_lang.codes import CODES
from nexa_lang.rule_reference import REFERENCE_PATH, render_reference


def test_the_shipped_reference_is_what_the_generator_makes():
    assert REFERENCE_PATH.read_text(encoding="utf-8") == render_reference(), (
        "regenerate: python -m nexa_lang.rule_reference > server/nexa_lang/docs/diagnostics.md"
    )


def test_every_code_has_a_heading_whose_anchor_is_its_url_fragment():
    headings = re.findall(r"^## (\S+) (\S+)$", REFERENCE_PATH.read_text(encoding="utf-8"), re.M)
    anchors = {f"{code.lower()}-{name}" for code, name in headings}
    assert {info.url_fragment for info in CODES.values()} <= anchors


def test_a_rule_docstring_is_in_the_reference():
    assert "Why: in a program root" in REFERENCE_PATH.read_text(encoding="utf-8")
