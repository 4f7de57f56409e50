"""The functions of the `std` namespaces (S§2): declaration (`Registry`, `Param`), argument binding and
validation (E302), invocation, the tool spec offered to models and the result texts (S§0.4).

The package's `__init__` re-exports these names on first use: building the `std` value of a run
needs none of them (start-up time, bench/vm.py).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nexa_lang.prelude import DEPRECATED_STD_NAMES

from ..errors import CODE_NAMES, NexaError
from ..schemas import found_words
from ..values import Secret, is_number, to_plain
from . import NAMESPACE_MODULES

if TYPE_CHECKING:
    from ..interpreter import Interpreter

REQUIRED = object()

# S§2.12: deprecated short names, one table shared with the checker
ALIASES = DEPRECATED_STD_NAMES

MODEL_RESULT_LIMIT = 16_384


# ------------------------------------------------------------------------------------ functions


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # str | int | number | bool | map | list | any
    default: Any = REQUIRED

    @property
    def is_required(self) -> bool:
        return self.default is REQUIRED


class StdCall:
    """What an implementation may use: the interpreter, the sandbox, who is calling."""

    def __init__(self, vm: Interpreter, name: str, from_model: bool) -> None:
        self.vm = vm
        self.name = name
        self.from_model = from_model

    @property
    def sandbox(self) -> Any:
        return self.vm.sandbox

    def fail(self, reason: str, **detail: Any) -> NexaError:
        """E104: a failure outside the program (`{tool}: {reason}`)."""
        return NexaError("ToolError", f"{self.name}: {reason}", "E104", detail={"tool": self.name, **detail})

    def bad_argument(self, *problems: str) -> NexaError:
        """E302: arguments the function cannot accept (`invalid arguments for '{tool}': {problems}`)."""
        return NexaError(
            "ToolError",
            f"invalid arguments for '{self.name}': {'; '.join(problems)}",
            "E302",
            detail={"tool": self.name, "problems": list(problems)},
        )

    def denied(self, message: str) -> NexaError:
        return NexaError("ToolError", message, "E402", detail={"tool": self.name})

    def readable(self, path: str) -> str:
        return self._checked(self.sandbox.readable, path)

    def writable(self, path: str) -> str:
        return self._checked(self.sandbox.writable, path)

    def asset(self, path: str) -> str:
        return self._checked(self.sandbox.asset, path)

    def check_url(self, url: str) -> None:
        self._checked(self.sandbox.check_url, url)

    def check_shell(self) -> None:
        from ..sandbox import Denied

        try:
            self.sandbox.check_shell(self.name)
        except Denied as denial:
            raise self.denied(denial.message) from None

    def _checked(self, check: Callable[[str, str], Any], value: str) -> Any:
        from ..sandbox import Denied

        try:
            return check(value, self.name)
        except Denied as denial:
            raise self.denied(denial.message) from None


Implementation = Callable[..., Any]


@dataclass(frozen=True)
class StdFunction:
    namespace: str
    name: str
    security: str
    description: str
    params: tuple[Param, ...]
    run: Implementation
    result_text: Callable[[Any], str] | None = None  # the model's view when it differs from S§0.4

    @property
    def full_name(self) -> str:
        return f"std.{self.namespace}.{self.name}"

    def bind(self, args: list[Any], kwargs: dict[str, Any], call: StdCall) -> dict[str, Any]:
        """Positional arguments in declared order, named ones by name; every problem is E302."""
        problems: list[str] = []
        if len(args) > len(self.params):
            count = len(self.params)
            problems.append(f"takes {count} argument{'' if count == 1 else 's'}, got {len(args)}")
        bound: dict[str, Any] = {}
        for param, value in zip(self.params, args, strict=False):
            bound[param.name] = value
        names = {p.name for p in self.params}
        for key, value in kwargs.items():
            if key not in names:
                problems.append(f"unknown argument '{key}'")
            elif key in bound:
                problems.append(f"'{key}' given twice")
            else:
                bound[key] = value
        for param in self.params:
            if param.name not in bound:
                if param.is_required:
                    problems.append(f"missing '{param.name}'")
                else:
                    bound[param.name] = param.default
                continue
            value, problem = _conform(bound[param.name], param.type)
            if problem:
                problems.append(f"'{param.name}' {problem}")
            bound[param.name] = value
        if problems:  # worded as the checker's static E302
            raise call.bad_argument(*problems)
        return bound

    async def invoke(self, vm: Interpreter, args: list[Any], kwargs: dict[str, Any], from_model: bool) -> Any:
        call = StdCall(vm, self.full_name, from_model)
        bound = self.bind(args, kwargs, call)
        vm.record("std_call", function=self.full_name, from_model=from_model)
        result = self.run(call, **bound)
        if hasattr(result, "__await__"):
            result = await result
        return result

    def tool_spec(self) -> Any:
        from ..providers import ToolSpec

        properties: dict[str, Any] = {}
        required: list[str] = []
        for param in self.params:
            schema = dict(_SCHEMAS[param.type])
            if param.is_required:
                required.append(param.name)
            else:
                schema["default"] = to_plain(param.default)
            properties[param.name] = schema
        parameters = {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
        return ToolSpec(self.name, self.description, parameters)

    def model_text(self, value: Any) -> str:
        if self.result_text is not None:
            return self.result_text(value)
        return result_text(value)


_SCHEMAS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "bool": {"type": "boolean"},
    "map": {"type": "object"},
    "list": {"type": "array", "items": {}},
    "any": {},
}


def _conform(value: Any, type_: str) -> tuple[Any, str | None]:
    """S§5.4: validation after the conversions int→float and Secret→str."""
    if type_ == "any":
        return value, None
    if type_ == "str":
        if isinstance(value, Secret):
            return str(value), None
        if isinstance(value, str):
            return value, None
    elif type_ == "int":
        if type(value) is int:
            return value, None
    elif type_ == "number":
        if is_number(value):
            return value, None
    elif type_ == "bool":
        if isinstance(value, bool):
            return value, None
    elif type_ == "map":
        if isinstance(value, dict):
            return value, None
    elif type_ == "list":
        if isinstance(value, list):
            return value, None
    return value, f"must be {_WORDS[type_]}, found {found_words(value)}"


_WORDS = {
    "str": "a string",
    "int": "an integer",
    "number": "a number",
    "bool": "a boolean",
    "map": "an object",
    "list": "an array",
}


def result_text(value: Any) -> str:
    """S§0.4: a `str` as-is, `none` as `null`, anything else as compact JSON."""
    if isinstance(value, str):
        return str(value)
    return json.dumps(to_plain(value, reveal=True), ensure_ascii=False, separators=(",", ":"))


def error_text(error: NexaError) -> str:
    return f"Error: {error.code} {CODE_NAMES.get(error.code, 'error')}: {error.message}"


def truncate_for_model(text: str, limit: int = MODEL_RESULT_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"…[truncated {len(text) - limit} chars]"


class Registry:
    """The functions of one namespace module, declared with `@registry.function(...)`."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.functions: dict[str, StdFunction] = {}

    def function(
        self,
        security: str,
        description: str,
        *params: Param,
        result_text: Callable[[Any], str] | None = None,
    ) -> Callable[[Implementation], Implementation]:
        def register(run: Implementation) -> Implementation:
            name = run.__name__
            self.functions[name] = StdFunction(
                self.namespace, name, security, description, tuple(params), run, result_text
            )
            return run

        return register


_LOADED: dict[str, Registry] = {}


def namespace_functions(namespace: str) -> dict[str, StdFunction]:
    """The functions of a namespace of this package (empty for the helper namespaces)."""
    module_name = NAMESPACE_MODULES.get(namespace)
    if module_name is None:
        return {}
    registry = _LOADED.get(namespace)
    if registry is None:
        module = importlib.import_module(f"{__package__}.{module_name}")
        registry = _LOADED[namespace] = module.registry
    return registry.functions


def find_function(namespace: str, name: str) -> StdFunction | None:
    functions = namespace_functions(namespace)
    return functions.get(ALIASES.get(namespace, {}).get(name, name))


# ------------------------------------------------------------------------------------ tools


def offered_functions(items: list[str]) -> list[StdFunction]:
    """`uses std.fs` (every function) and `uses std.fs.file_read` (one), in order (S§5.1)."""
    found: list[StdFunction] = []
    for item in items:
        if not item.startswith("std."):
            continue
        path = item[4:]
        if path in NAMESPACE_MODULES:
            found.extend(namespace_functions(path).values())
            continue
        namespace, _, name = path.rpartition(".")
        if namespace in NAMESPACE_MODULES:
            function = find_function(namespace, name)
            if function is not None:
                found.append(function)
    return found
