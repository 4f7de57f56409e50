"""Compiled forms of the service declarations (L§3.10–3.12): plain data, like the tables of
bytecode.py, so that a compiled program can be cached and needs no AST at run time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..bytecode import Code


@dataclass
class HandleSpec:
    """`db h = connect(…)`, `kv h = open(…)`, `auth h = enable_auth(…)`: `argument` evaluates the
    expression in parentheses."""

    kind: str  # db | kv | auth
    name: str
    argument: Code | None
    file: str | None
    span: tuple[int, int]


@dataclass
class JobSpec:
    name: str
    queue: str
    options: dict[str, Any]  # header options win over body lines (L§3.10)
    perform: Code | None
    on_failure: Code | None
    file: str | None
    span: tuple[int, int]


@dataclass
class RouteSpec:
    method: str  # GET … or SEMANTIC
    path: str
    stages: list[str]
    middleware: list[str] = field(default_factory=list)  # the group's middleware
    span: tuple[int, int] = (0, 0)


@dataclass
class ServerSpec:
    name: str | None
    port: int | None
    routes: list[RouteSpec] = field(default_factory=list)
    middleware: list[str] = field(default_factory=list)
    statics: list[tuple[str, str]] = field(default_factory=list)  # (url prefix, directory)
    cors: dict[str, Any] | None = None
    require_auth: list[str] = field(default_factory=list)
    file: str | None = None
    span: tuple[int, int] = (0, 0)
