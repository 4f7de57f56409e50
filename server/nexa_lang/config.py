"""Configuration of diagnostics.md §14: where it comes from, what it may say, the typed result.

For a file, the configuration is the nearest `nexa.toml` walking up from its directory (stopping at
a directory that contains `.git`), else the `[tool.nexa]` table of the nearest `pyproject.toml` on
the same walk, else the defaults. `--config PATH` or `NEXA_CONFIG` name the file explicitly (E201 if
missing). Every section and key is validated; anything wrong is E202 located at the key.
Command-line options are applied on top with `Settings.with_options`.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from nexa_lang.codes import CONFIG_FILE_NOT_FOUND, INVALID_CONFIG_VALUE, Severity
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.positions import LineIndex, Span, Unit
from nexa_lang.selection import (
    FileIgnore,
    HarnessMode,
    Selection,
    SelectorError,
    SelectorLayer,
    parse_ignorable,
    parse_selector,
    resolve_selection,
    resolve_severities,
)
from nexa_lang.suggestions import closest_name

CONFIG_NAME = "nexa.toml"
PYPROJECT_NAME = "pyproject.toml"
CONFIG_ENV = "NEXA_CONFIG"
COMMAND_LINE = "<command line>"  # the "file" of diagnostics about command-line values

SEVERITY_WORDS = tuple(s.value for s in Severity)
TYPE_MODES = ("warn", "strict", "forgiving")
PROVIDERS = ("offline", "openai")
SCHEDULER_STRATEGIES = ("round_robin", "least_loaded", "weighted_fair", "priority", "adaptive")


# --- the typed settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class LintSettings:
    select: tuple[str, ...] | None = None  # None: every code
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    harness_mode: HarnessMode = HarnessMode.WARN


@dataclass(frozen=True)
class CheckSettings:
    severity: Severity = Severity.ERROR  # exit-code threshold of `nexa-lsp --check`


@dataclass(frozen=True)
class SandboxSettings:
    # Paths as written; they are relative to `Settings.root` (S§0.3).
    fs_read: tuple[str, ...] = ()
    fs_write: tuple[str, ...] = ()
    net: tuple[str, ...] = ()
    shell: bool = False
    python: bool = False
    auto_approve: bool = False


@dataclass(frozen=True)
class LlmSettings:
    provider: str | None = None
    judge_model: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class AgentSettings:
    default_model: str | None = None
    default_timeout: float | None = None
    default_retry: int | None = None


@dataclass(frozen=True)
class ProviderSettings:
    base_url: str | None = None
    api_key_env: str | None = None


@dataclass(frozen=True)
class McpServerSettings:
    command: str
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RuntimeSettings:
    consensus_timeout: float = 120.0
    max_loop: int | None = None


@dataclass(frozen=True)
class TypeSettings:
    mode: str = "warn"


@dataclass(frozen=True)
class ProjectSettings:
    name: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class SchedulerSettings:
    max_concurrent: int = 64
    strategy: str = "adaptive"
    rate_limits: tuple[tuple[str, float], ...] = ()  # model pattern -> requests per minute


@dataclass(frozen=True)
class Settings:
    """Everything the configuration says, with defaults for what it does not."""

    path: Path | None = None  # the configuration file, None for the defaults
    root: Path | None = None  # its directory: relative paths and globs in it start here
    lint: LintSettings = field(default_factory=LintSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)
    llm: LlmSettings = field(default_factory=LlmSettings)
    agent: AgentSettings = field(default_factory=AgentSettings)
    providers: tuple[tuple[str, ProviderSettings], ...] = ()
    mcp_servers: tuple[tuple[str, McpServerSettings], ...] = ()
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    type: TypeSettings = field(default_factory=TypeSettings)
    project: ProjectSettings = field(default_factory=ProjectSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    # select/ignore/extend-select given on the command line, applied after the file's.
    command_line: SelectorLayer | None = None

    @cached_property
    def selection(self) -> Selection:
        """The resolved lint selection (codes, severities, per-file ignores, harness mode)."""
        layers = [SelectorLayer(self.lint.select, self.lint.ignore, self.lint.extend_select)]
        if self.command_line is not None:
            layers.append(self.command_line)
        return Selection(
            enabled=resolve_selection(layers),
            severities=resolve_severities(dict(self.lint.severity)),
            file_ignores=tuple(FileIgnore.build(p, codes) for p, codes in self.lint.per_file_ignores),
            harness_mode=self.lint.harness_mode,
            root=self.root,
        )

    def with_options(
        self,
        *,
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] = (),
        extend_select: tuple[str, ...] = (),
        threshold: Severity | None = None,
        harness_mode: HarnessMode | None = None,
    ) -> Settings:
        """These settings with command-line options applied on top (validate them first with
        `validate_options`)."""
        settings = self
        if select is not None or ignore or extend_select:
            settings = replace(settings, command_line=SelectorLayer(select, ignore, extend_select))
        if threshold is not None:
            settings = replace(settings, check=replace(settings.check, severity=threshold))
        if harness_mode is not None:
            settings = replace(settings, lint=replace(settings.lint, harness_mode=harness_mode))
        return settings

    def fingerprint(self) -> str:
        """A stable text of everything that can change what a check reports (for cache keys).
        Kept on the (frozen) settings after the first call: every file of a project asks for it."""
        known = self.__dict__.get("_fingerprint")
        if known is None:
            data = asdict(self)
            data.pop("path")
            known = json.dumps(data, sort_keys=True, default=str)
            object.__setattr__(self, "_fingerprint", known)
        return known


# --- errors ------------------------------------------------------------------------------------


class ConfigError(Exception):
    """Configuration that cannot be used; `diagnostics` are its E201/E202 diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(d.message for d in diagnostics))


_NOWHERE = Span(0, 0)


def invalid_value(key: str, reason: str, path: str | None = None, span: Span = _NOWHERE) -> Diagnostic:
    return Diagnostic.for_code(
        INVALID_CONFIG_VALUE, span, f"invalid configuration value for '{key}': {reason}", path=path
    )


# --- finding the file --------------------------------------------------------------------------


def find_config_file(start: Path) -> Path | None:
    """The configuration file governing `start` (a file or directory), or None for defaults."""
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
    walk: list[Path] = []
    for candidate in (directory, *directory.parents):
        walk.append(candidate)
        if (candidate / ".git").exists():
            break
    for candidate in walk:
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
    for candidate in walk:
        pyproject = candidate / PYPROJECT_NAME
        if pyproject.is_file() and _mentions_nexa(pyproject):
            return pyproject
    return None


_TOOL_NEXA = re.compile(r"^\s*\[\s*tool\s*\.\s*nexa\b|^\s*\[\s*tool\s*\]", re.MULTILINE)


def _mentions_nexa(pyproject: Path) -> bool:
    # A pyproject.toml without a [tool.nexa] table is someone else's: skip it without judging it.
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if not _TOOL_NEXA.search(text):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "nexa" in text  # a broken file that may be ours: load it and report E202
    return isinstance(data.get("tool"), dict) and "nexa" in data["tool"]


def explicit_config_path(option: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """`--config` if given, else `NEXA_CONFIG` if set."""
    return option or environ.get(CONFIG_ENV) or None


# --- loading -----------------------------------------------------------------------------------


def load_config_file(path: Path, display_path: str | None = None) -> Settings:
    """Settings from one `nexa.toml` or `pyproject.toml`; raises ConfigError (E201/E202)."""
    shown = display_path or str(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raise ConfigError(
            [
                Diagnostic.for_code(
                    CONFIG_FILE_NOT_FOUND, Span(0, 0), f"configuration file not found: '{shown}'", path=shown
                )
            ]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            [invalid_value(path.name, "the file is not valid UTF-8", shown, Span(error.start, error.start))]
        ) from None
    index = LineIndex(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_syntax_error(error, index, path.name, shown)]) from None
    prefix: tuple[str, ...] = ()
    if path.name == PYPROJECT_NAME:
        prefix = ("tool", "nexa")
        tool = data.get("tool", {})
        data = tool.get("nexa", {}) if isinstance(tool, dict) else {}
        if not isinstance(data, dict):
            raise ConfigError([invalid_value("tool.nexa", "expected a table", shown)])
    reader = _Reader(_KeyLocator(text), prefix, shown)
    settings = _read_settings(reader, data, path.parent.resolve())
    if reader.problems:
        raise ConfigError(sorted(reader.problems, key=lambda d: d.span.start))
    return replace(settings, path=path)


def _syntax_error(error: tomllib.TOMLDecodeError, index: LineIndex, name: str, shown: str) -> Diagnostic:
    message = str(error)
    span = Span(0, 0)
    where = re.search(r"\(at line (\d+), column (\d+)\)|\(at end of document\)", message)
    if where:
        if where.group(1):
            offset = index.offset(
                int(where.group(1)), int(where.group(2)), Unit.CODEPOINT, line_base=1, column_base=1
            )
        else:
            offset = len(index.data)
        span = Span(offset, offset)
        message = message[: where.start()].rstrip()
    reason = "TOML syntax error: " + message[:1].lower() + message[1:]
    return invalid_value(name, reason, shown, span)


class SettingsLoader:
    """Finds and loads the settings of many files, reading each configuration file once."""

    def __init__(self, explicit: str | None = None) -> None:
        self.explicit = explicit
        self._by_file: dict[Path | None, Settings] = {}
        self._by_directory: dict[Path, Path | None] = {}  # files of a folder share its configuration

    def config_file_for(self, source: Path | None) -> Path | None:
        if self.explicit is not None:
            return Path(self.explicit)
        start = source if source is not None else Path.cwd()
        directory = start if start.is_dir() else start.parent
        if directory not in self._by_directory:
            self._by_directory[directory] = find_config_file(directory)
        return self._by_directory[directory]

    def settings_for(self, source: Path | None) -> Settings:
        """Settings for a source file (None: standard input, looked up from the working directory);
        raises ConfigError."""
        config = self.config_file_for(source)
        key = config.resolve() if config is not None and config.exists() else config
        if key not in self._by_file:
            if config is None:
                self._by_file[key] = Settings()
            else:
                shown = self.explicit if self.explicit is not None else None
                self._by_file[key] = load_config_file(config, shown)
        return self._by_file[key]


# --- command-line values -----------------------------------------------------------------------


def validate_options(
    *,
    select: tuple[str, ...] | None = None,
    ignore: tuple[str, ...] = (),
    extend_select: tuple[str, ...] = (),
    threshold: str | None = None,
    harness: str | None = None,
) -> list[Diagnostic]:
    """E202 diagnostics for invalid command-line values (located at `<command line>`)."""
    problems: list[Diagnostic] = []
    for option, values, parse in (
        ("--select", select or (), parse_selector),
        ("--extend-select", extend_select, parse_selector),
        ("--ignore", ignore, parse_ignorable),
    ):
        for value in values:
            try:
                parse(value)
            except SelectorError as error:
                problems.append(_option_problem(error.message_for(option)))
    if threshold is not None and threshold not in SEVERITY_WORDS:
        problems.append(_option_problem(_enum_reason("--severity", threshold, SEVERITY_WORDS)))
    modes = tuple(m.value for m in HarnessMode)
    if harness is not None and harness not in modes:
        problems.append(_option_problem(_enum_reason("--harness", harness, modes)))
    return problems


def _option_problem(message: str) -> Diagnostic:
    return Diagnostic.for_code(INVALID_CONFIG_VALUE, Span(0, 0), message, path=COMMAND_LINE)


def _enum_reason(key: str, value: object, words: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{w}'" for w in words)
    return f"invalid configuration value for '{key}': expected one of {listed}, found {_describe(value)}"


# --- validation --------------------------------------------------------------------------------


class _KeyLocator:
    """Byte offsets of keys in a TOML text, by dotted path (tomllib keeps no positions)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
    _KEY = re.compile(
        r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        offset = 0
        for line in text.splitlines(keepends=True):
            header = self._HEADER.match(line)
            key = None if header else self._KEY.match(line)
            if header:
                table = _split_dotted(header.group(1))
                self.found.setdefault(table, offset + len(line[: header.start(1)].encode()))
            elif key:
                path = table + _split_dotted(key.group(1))
                self.found.setdefault(path, offset + len(line[: key.start(1)].encode()))
            offset += len(line.encode())

    def locate(self, path: tuple[str, ...]) -> Span:
        for length in range(len(path), 0, -1):
            start = self.found.get(path[:length])
            if start is None:
                continue
            # Keys of inline tables ({ "a" = … }) are not on lines of their own: search after the parent.
            data = self.text.encode()
            for part in path[length:]:
                for quoted in (f'"{part}"', f"'{part}'", part):
                    at = data.find(quoted.encode(), start)
                    if at != -1:
                        start = at
                        break
            key = path[-1] if len(path) > length else path[length - 1]
            end = start + len(key.encode())
            if data[start : start + 1] in (b'"', b"'"):
                end += 2
            return Span(start, end)
        return Span(0, 0)


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", text)
    return tuple(a or b or c for a, b, c in parts)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


class _Reader:
    """Reads typed values out of parsed TOML, recording an E202 for each bad one."""

    def __init__(self, locator: _KeyLocator, prefix: tuple[str, ...], shown: str) -> None:
        self.locator = locator
        self.prefix = prefix
        self.shown = shown
        self.problems: list[Diagnostic] = []

    def problem(self, path: tuple[str, ...], reason: str) -> None:
        self.problems.append(
            invalid_value(".".join(path), reason, self.shown, self.locator.locate(self.prefix + path))
        )

    def code_problem(self, path: tuple[str, ...], error: SelectorError) -> None:
        span = self.locator.locate(self.prefix + path)
        message = error.message_for(".".join(path))
        self.problems.append(Diagnostic.for_code(INVALID_CONFIG_VALUE, span, message, path=self.shown))

    def table(self, data: Any, path: tuple[str, ...], keys: tuple[str, ...]) -> dict[str, Any]:
        """`data` as a table whose keys must be among `keys` (unknown ones are reported)."""
        if not isinstance(data, dict):
            self.problem(path, f"expected a table, found {_describe(data)}")
            return {}
        for key in data:
            if key not in keys:
                what = "section" if not path else "key"
                hint = closest_name(key, keys)
                suggestion = f"; did you mean '{hint}'?" if hint else ""
                known = ", ".join(f"'{k}'" for k in keys)
                self.problem(path + (key,), f"unknown {what}{suggestion} (known: {known})")
        return {key: value for key, value in data.items() if key in keys}

    def value(self, data: dict[str, Any], path: tuple[str, ...], check: Callable[[Any], str | None]) -> Any:
        """data[key] when `check` accepts it (returns None); otherwise report its reason."""
        key = path[-1]
        if key not in data:
            return None
        reason = check(data[key])
        if reason is not None:
            self.problem(path, f"{reason}, found {_describe(data[key])}")
            return None
        return data[key]


def _is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else "expected a string"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _is_strings(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return None if ok else "expected an array of strings"


def _is_int(low: int, high: int | None = None) -> Callable[[Any], str | None]:
    wanted = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"

    def check(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok and value >= low and (high is None or value <= high)
        return None if ok else f"expected {wanted}"

    return check


def _is_seconds(high: float | None = None) -> Callable[[Any], str | None]:
    wanted = "a number of seconds > 0" + ("" if high is None else f" and <= {high:g}")

    def check(value: Any) -> str | None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ok and value > 0 and (high is None or value <= high)
        return None if ok else f"expected {wanted}"

    return check


def _is_word(words: tuple[str, ...]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in words else "expected one of " + ", ".join(f"'{w}'" for w in words)

    return check


def _is_url(value: Any) -> str | None:
    ok = isinstance(value, str) and re.match(r"https?://[^\s/]+", value) is not None
    return None if ok else "expected an http:// or https:// URL"


def _is_model(value: Any) -> str | None:
    ok = isinstance(value, str) and value != "" and value == value.strip()
    return None if ok else "expected a model identifier string (S§4.2)"


_SECTIONS = (
    "lint",
    "check",
    "sandbox",
    "llm",
    "agent",
    "providers",
    "mcp",
    "runtime",
    "type",
    "project",
    "scheduler",
)


def _read_settings(reader: _Reader, data: dict[str, Any], root: Path) -> Settings:
    sections = reader.table(data, (), _SECTIONS)
    return Settings(
        root=root,
        lint=_read_lint(reader, sections.get("lint", {})),
        check=_read_check(reader, sections.get("check", {})),
        sandbox=_read_sandbox(reader, sections.get("sandbox", {})),
        llm=_read_llm(reader, sections.get("llm", {})),
        agent=_read_agent(reader, sections.get("agent", {})),
        providers=tuple(_read_providers(reader, sections.get("providers", {}))),
        mcp_servers=tuple(_read_mcp(reader, sections.get("mcp", {}))),
        runtime=_read_runtime(reader, sections.get("runtime", {})),
        type=_read_type(reader, sections.get("type", {})),
        project=_read_project(reader, sections.get("project", {})),
        scheduler=_read_scheduler(reader, sections.get("scheduler", {})),
    )


def _read_lint(reader: _Reader, raw: Any) -> LintSettings:
    keys = ("select", "ignore", "extend-select", "per-file-ignores", "severity", "harness", "mode")
    table = reader.table(raw, ("lint",), keys)

    def selectors(key: str, parse: Callable[[str], object]) -> tuple[str, ...] | None:
        values = reader.value(table, ("lint", key), _is_strings)
        if values is None:
            return None
        for value in values:
            try:
                parse(value)
            except SelectorError as error:
                reader.code_problem(("lint", key), error)
        return tuple(values)

    select = selectors("select", parse_selector)
    ignore = selectors("ignore", parse_ignorable) or ()
    extend = selectors("extend-select", parse_selector) or ()

    per_file: list[tuple[str, tuple[str, ...]]] = []
    globs = table.get("per-file-ignores", {})
    if not isinstance(globs, dict):
        reader.problem(
            ("lint", "per-file-ignores"), f"expected a table of glob = [codes], found {_describe(globs)}"
        )
        globs = {}
    for pattern, codes in globs.items():
        path = ("lint", "per-file-ignores", pattern)
        if reader.value({pattern: codes}, path, _is_strings) is None:
            continue
        for code in codes:
            try:
                parse_ignorable(code)
            except SelectorError as error:
                reader.code_problem(path, error)
        per_file.append((pattern.removeprefix("./"), tuple(codes)))

    severities: list[tuple[str, Severity]] = []
    overrides = table.get("severity", {})
    if not isinstance(overrides, dict):
        reader.problem(
            ("lint", "severity"), f"expected a table of code = severity, found {_describe(overrides)}"
        )
        overrides = {}
    for code, word in overrides.items():
        path = ("lint", "severity", code)
        try:
            parse_ignorable(code)
        except SelectorError as error:
            reader.code_problem(path, error)
            continue
        if reader.value({code: word}, path, _is_word(SEVERITY_WORDS)) is not None:
            severities.append((code, Severity(word)))

    harness = reader.table(table.get("harness", {}), ("lint", "harness"), ("mode",))
    modes = tuple(m.value for m in HarnessMode)
    mode = reader.value(harness, ("lint", "harness", "mode"), _is_word(modes))
    # `[lint] mode` is upstream's type-annotation linting switch: accepted and ignored (§14.2).
    return LintSettings(
        select=select,
        ignore=ignore,
        extend_select=extend,
        per_file_ignores=tuple(per_file),
        severity=tuple(severities),
        harness_mode=HarnessMode(mode) if mode else HarnessMode.WARN,
    )


def _read_check(reader: _Reader, raw: Any) -> CheckSettings:
    table = reader.table(raw, ("check",), ("severity",))
    word = reader.value(table, ("check", "severity"), _is_word(SEVERITY_WORDS))
    return CheckSettings(severity=Severity(word) if word else Severity.ERROR)


def _read_sandbox(reader: _Reader, raw: Any) -> SandboxSettings:
    keys = ("fs_read", "fs_write", "net", "shell", "python", "auto_approve")
    table = reader.table(raw, ("sandbox",), keys)
    lists = {k: tuple(reader.value(table, ("sandbox", k), _is_strings) or ()) for k in keys[:3]}
    flags = {k: bool(reader.value(table, ("sandbox", k), _is_bool)) for k in keys[3:]}
    return SandboxSettings(**lists, **flags)


def _read_llm(reader: _Reader, raw: Any) -> LlmSettings:
    table = reader.table(raw, ("llm",), ("provider", "judge_model", "base_url"))
    return LlmSettings(
        provider=reader.value(table, ("llm", "provider"), _is_word(PROVIDERS)),
        judge_model=reader.value(table, ("llm", "judge_model"), _is_model),
        base_url=reader.value(table, ("llm", "base_url"), _is_url),
    )


def _read_agent(reader: _Reader, raw: Any) -> AgentSettings:
    table = reader.table(raw, ("agent",), ("default_model", "default_timeout", "default_retry"))
    timeout = reader.value(table, ("agent", "default_timeout"), _is_seconds(86400))
    return AgentSettings(
        default_model=reader.value(table, ("agent", "default_model"), _is_model),
        default_timeout=float(timeout) if timeout is not None else None,
        default_retry=reader.value(table, ("agent", "default_retry"), _is_int(1, 100)),
    )


_PROVIDER_ID = re.compile(r"[a-z][a-z0-9_-]*")


def _read_providers(reader: _Reader, raw: Any) -> Iterator[tuple[str, ProviderSettings]]:
    if not isinstance(raw, dict):
        reader.problem(("providers",), f"expected a table of provider tables, found {_describe(raw)}")
        return
    for provider, settings in raw.items():
        path = ("providers", provider)
        if not _PROVIDER_ID.fullmatch(provider):
            reader.problem(path, "a provider id must match [a-z][a-z0-9_-]*")
            continue
        table = reader.table(settings, path, ("base_url", "api_key_env"))
        yield (
            provider,
            ProviderSettings(
                base_url=reader.value(table, path + ("base_url",), _is_url),
                api_key_env=reader.value(table, path + ("api_key_env",), _is_str),
            ),
        )


def _read_mcp(reader: _Reader, raw: Any) -> Iterator[tuple[str, McpServerSettings]]:
    servers = reader.table(raw, ("mcp",), ("servers",)).get("servers", {})
    if not isinstance(servers, dict):
        reader.problem(("mcp", "servers"), f"expected a table of server tables, found {_describe(servers)}")
        return
    for name, settings in servers.items():
        path = ("mcp", "servers", name)
        table = reader.table(settings, path, ("command", "args", "env"))
        command = reader.value(table, path + ("command",), _is_str)
        if command is None:
            if "command" not in table and isinstance(settings, dict):
                reader.problem(path, "an MCP server needs a 'command'")
            continue
        args = reader.value(table, path + ("args",), _is_strings) or []
        env = table.get("env", {})
        if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
            reader.problem(path + ("env",), f"expected a table of strings, found {_describe(env)}")
            env = {}
        yield name, McpServerSettings(command, tuple(args), tuple(sorted(env.items())))


def _read_runtime(reader: _Reader, raw: Any) -> RuntimeSettings:
    table = reader.table(raw, ("runtime",), ("consensus_timeout", "max_loop"))
    timeout = reader.value(table, ("runtime", "consensus_timeout"), _is_seconds())
    return RuntimeSettings(
        consensus_timeout=float(timeout) if timeout is not None else 120.0,
        max_loop=reader.value(table, ("runtime", "max_loop"), _is_int(1)),
    )


def _read_type(reader: _Reader, raw: Any) -> TypeSettings:
    table = reader.table(raw, ("type",), ("mode",))
    return TypeSettings(mode=reader.value(table, ("type", "mode"), _is_word(TYPE_MODES)) or "warn")


def _read_project(reader: _Reader, raw: Any) -> ProjectSettings:
    table = reader.table(raw, ("project",), ("name", "version"))
    return ProjectSettings(
        name=reader.value(table, ("project", "name"), _is_str),
        version=reader.value(table, ("project", "version"), _is_str),
    )


def _read_scheduler(reader: _Reader, raw: Any) -> SchedulerSettings:
    table = reader.table(raw, ("scheduler",), ("max_concurrent", "strategy", "rate_limits"))
    limits = table.get("rate_limits", {})
    rates: list[tuple[str, float]] = []
    if not isinstance(limits, dict):
        reader.problem(("scheduler", "rate_limits"), f"expected a table, found {_describe(limits)}")
        limits = {}
    for pattern, rate in limits.items():
        value = reader.value({pattern: rate}, ("scheduler", "rate_limits", pattern), _is_requests_per_minute)
        if value is not None:
            rates.append((pattern, float(value)))
    return SchedulerSettings(
        max_concurrent=reader.value(table, ("scheduler", "max_concurrent"), _is_int(1)) or 64,
        strategy=reader.value(table, ("scheduler", "strategy"), _is_word(SCHEDULER_STRATEGIES)) or "adaptive",
        rate_limits=tuple(rates),
    )


def _is_requests_per_minute(value: Any) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return None if ok else "expected a number of requests per minute > 0"
