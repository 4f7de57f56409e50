"""`std.math` (S§2.7). `math_calc` uses its own arithmetic parser, never a host `eval`."""

from __future__ import annotations

import random
import re
from typing import Any

from . import Param, Registry, StdCall

registry = Registry("math")
_ALLOWED = re.compile(r"^[0-9+\-*/.() \t]*$")
_TOKEN = re.compile(r"\s*(?:(\d+\.\d*|\.\d+|\d+)|(.))")


class _Syntax(Exception):
    pass


class _Parser:
    """expr = term (('+'|'-') term)* ; term = unary (('*'|'/') unary)* ; unary = '-' unary | atom."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        for number, symbol in _TOKEN.findall(text):
            if number or symbol.strip():
                self.tokens.append(number or symbol)
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _Syntax("unexpected end of the expression")
        self.position += 1
        return token

    def parse(self) -> Any:
        value = self.expression()
        if self.peek() is not None:
            raise _Syntax(f"unexpected '{self.peek()}'")
        return value

    def expression(self) -> Any:
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self) -> Any:
        value = self.unary()
        while self.peek() in ("*", "/"):
            if self.take() == "*":
                value = value * self.unary()
            else:
                divisor = self.unary()
                if divisor == 0:
                    raise ZeroDivisionError
                value = value / divisor
        return value

    def unary(self) -> Any:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.atom()

    def atom(self) -> Any:
        token = self.take()
        if token == "(":
            value = self.expression()
            if self.take() != ")":
                raise _Syntax("missing ')'")
            return value
        if token[0].isdigit() or token[0] == ".":
            return float(token) if "." in token else int(token)
        raise _Syntax(f"unexpected '{token}'")


@registry.function(
    "pure", "Evaluate an arithmetic expression (+ - * / and parentheses)", Param("expression", "str")
)
def math_calc(call: StdCall, expression: str) -> dict[str, Any]:
    if not _ALLOWED.match(expression):
        raise call.bad_argument("only digits, + - * / . ( ) and spaces are accepted")
    try:
        result = _Parser(expression).parse()
    except ZeroDivisionError:
        raise call.bad_argument("division by zero") from None
    except _Syntax as error:
        raise call.bad_argument(f"malformed expression: {error}") from None
    return {"result": result, "expression": expression}


@registry.function(
    "random",
    "A random integer between two bounds, inclusive",
    Param("min_val", "int"),
    Param("max_val", "int"),
)
def math_random(call: StdCall, min_val: int, max_val: int) -> int:
    if min_val > max_val:
        raise call.bad_argument("min_val is greater than max_val")
    return random.randint(min_val, max_val)
