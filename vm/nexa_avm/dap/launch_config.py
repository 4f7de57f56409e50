"""The `launch` attributes of the `nexa` debugger type (vscode-extension/package.json): checked here,
once, and turned into the options `nexa run` would get.

Attributes the editor adds of its own (`type`, `request`, `name`, `__sessionId`, `presentation`, …)
are ignored; a known attribute of the wrong type fails the launch with the attribute named.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field
from typing import Any

ALLOW = re.compile(r"^(python|shell|approve-all|(read|write|net):.+)$")
PROVIDERS = ("offline", "openai")


class LaunchError(Exception):
    pass


@dataclass
class LaunchConfig:
    program: str
    flow: str | None = None
    args: list[str] = field(default_factory=list)
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    provider: str | None = None
    model: str | None = None
    record: str | None = None
    replay: str | None = None
    allow: list[str] = field(default_factory=list)
    stop_on_entry: bool = False
    no_debug: bool = False

    def run_options(self) -> argparse.Namespace:
        """What `nexa run` would have parsed (cli.run_program and cli.open_run_provider read it)."""
        return argparse.Namespace(
            command="run",
            file=self.program,
            provider=self.provider,
            model=self.model,
            flow=None if self.flow in (None, "main") else self.flow,  # main: the entry rules of L§7.2
            args=list(self.args),
            record=self.record,
            replay=self.replay,
            allow=list(self.allow),  # the editor's form of the --allow-* flags
            allow_python=False,
            harness="warn",
        )


def _string(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise LaunchError(f'"{key}" must be a string')
    return value


def _strings(raw: dict[str, Any], key: str) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LaunchError(f'"{key}" must be a list of strings')
    return list(value)


def _flag(raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise LaunchError(f'"{key}" must be true or false')
    return value


def parse_launch(raw: dict[str, Any]) -> LaunchConfig:
    program = _string(raw, "program")
    if program is None:
        raise LaunchError('"program" must name the .nx file to run')
    cwd = _string(raw, "cwd")
    base = cwd or os.getcwd()
    program = program if os.path.isabs(program) else os.path.join(base, program)
    flow = _string(raw, "flow")
    env = raw.get("env") or {}
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        raise LaunchError('"env" must map variable names to strings')
    provider = _string(raw, "provider")
    if provider is not None and provider not in PROVIDERS:
        raise LaunchError(f'"provider" must be one of {", ".join(PROVIDERS)}, not "{provider}"')
    record, replay = _string(raw, "record"), _string(raw, "replay")
    if record and replay:
        raise LaunchError('"record" and "replay" cannot be used together')
    allow = _strings(raw, "allow")
    for item in allow:
        if not ALLOW.match(item):
            raise LaunchError(
                f'"allow" entry "{item}" is not one of python, shell, approve-all, '
                "read:PATH, write:PATH, net:HOST"
            )
    return LaunchConfig(
        program=os.path.normpath(program),
        flow=flow,
        args=_strings(raw, "args"),
        cwd=cwd,
        env=dict(env),
        provider=provider,
        model=_string(raw, "model"),
        record=record,
        replay=replay,
        allow=allow,
        stop_on_entry=_flag(raw, "stopOnEntry"),
        no_debug=_flag(raw, "noDebug"),
    )
