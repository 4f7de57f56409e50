"""Regular expressions written as literals: `fast_match` patterns (the Python-compatible subset of
L§7.6.2) and `std.regex` patterns (Python's `re`, S§2.8).

`fast_match_problem` and `python_regex_problem` return E009's message, or None for a valid pattern.
"""

from __future__ import annotations

import re

# Constructs outside the fast_match subset, as E009 names them.
_UNSUPPORTED = re.compile(r"\(\?<=|\(\?<!|\(\?=|\(\?!|\(\?P<|\(\?P=|\(\?<|\\[1-9]|\\g<|\\k<")
_QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")


def python_regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as error:
        return f"invalid regular expression: {error.msg} at position {error.pos}"
    except (OverflowError, RecursionError):
        return "invalid regular expression: the pattern is too large at position 0"
    return None


def fast_match_problem(pattern: str) -> str | None:
    construct = _first_unsupported(pattern)
    if construct is not None:
        return f"'{construct}' is not supported in fast_match patterns"
    brace = _stray_brace(pattern)
    if brace is not None:
        reason = "'{' does not start a quantifier {n}, {n,} or {n,m}"
        return f"invalid regular expression: {reason} at position {brace}"
    return python_regex_problem(pattern)


def _first_unsupported(pattern: str) -> str | None:
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            match = _UNSUPPORTED.match(pattern, index)
            if match is not None and not in_class:
                return match.group()
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":  # `[]…]`: the first `]` is literal
                index += 1
        elif char == "(":
            match = _UNSUPPORTED.match(pattern, index)
            if match is not None:
                return match.group()
        index += 1
    return None


def _stray_brace(pattern: str) -> int | None:
    """Offset of a `{` outside a class that does not form a quantifier (Python would read it as a
    literal brace; the subset requires `\\{`)."""
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "{":
            match = _QUANTIFIER.match(pattern, index)
            if match is None or index == 0:
                return index
            index = match.end()
            continue
        index += 1
    return None
