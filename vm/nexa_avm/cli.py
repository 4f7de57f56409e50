"""The `nexa` command: run, test and disasm (L§7.2, §7.12).

    nexa run FILE [--provider offline|openai] [--model M] [--flow NAME] [--seed N]
                  [--trace [FILE]] [--record FILE] [--replay FILE] [--allow-python]
                  [--debug-port N] [-- args…]
                  [--allow-read PATH] [--allow-write PATH] [--allow-net HOST] [--allow-shell]
                  [--approve-all] [--allow ENTRY] [--max-concurrent N] [--strategy S] [--type-mode M]
    nexa test FILE
    nexa serve FILE [--port N] [--host 127.0.0.1] [run's options]     (services/serving.py)
    nexa disasm FILE
    nexa tool build FILE.c|FILE.wat [-o FILE.wasm]     (nexa_avm.wasm.build)

Exit codes of `nexa run` (L§7.2): 0 after normal completion; the argument of `exit(code)`; 1 for an
uncaught runtime error (reported on stderr as diagnostics.md §1.7 says); 2 when the program is not
run (usage error, unreadable file, invalid configuration, missing include, check errors); 70 for an
internal VM failure (E401).
"""

from __future__ import annotations

# Start-up time counts (issue 6: a hello world under 200 ms, whole process): modules that not every
# command needs are imported where they are used; asyncio too, so that it is imported after main()
# has set the collector's thresholds.
import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

EXIT_OK, EXIT_ERROR, EXIT_NOT_RUN, EXIT_INTERNAL = 0, 1, 2, 70


class _Formatter(argparse.HelpFormatter):
    """Measures the terminal when it formats help, not when it is made: argparse makes one for
    every add_argument (to check the metavar), and the default one imports shutil each time."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=80)

    def format_help(self) -> str:
        import shutil

        self._width = shutil.get_terminal_size().columns - 2  # as HelpFormatter's default
        self._max_help_position = min(24, max(self._width - 20, self._indent_increment * 2))
        return super().format_help()


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # usage errors exit 2, as argparse does, on stderr
        self.print_usage(sys.stderr)
        self.exit(EXIT_NOT_RUN, f"nexa: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nexa", description="Run, test and disassemble Nexa programs.")
    # prog given: argparse would format the parser's usage to find it (and measure the terminal)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, prog="nexa")
    run = commands.add_parser("run", help="run a program")
    run.add_argument("file")
    run.add_argument("--provider", metavar=words_metavar("provider"))
    run.add_argument("--model")
    run.add_argument("--flow", help="run this flow instead of the entry rules")
    run.add_argument("--seed", type=int)
    run.add_argument(
        "--trace", nargs="?", const="-", metavar="FILE", help="trace on stderr, or as JSON to FILE"
    )
    run.add_argument("--record", metavar="FILE")
    run.add_argument("--replay", metavar="FILE")
    run.add_argument("--config", metavar="FILE")
    run.add_argument("--allow-python", action="store_true")
    run.add_argument("--no-cache", action="store_true", help="check and compile again (ignore .nexa_cache)")
    run.add_argument("--harness", metavar=words_metavar("harness"), default="warn")
    run.add_argument(
        "--debug-port", type=int, metavar="N", help="wait for a DAP attach on 127.0.0.1:N, then run"
    )
    add_runtime_options(run)
    run.add_argument("--port", type=int, help="port of the first server (0: a free port)")
    run.add_argument("--host", default="127.0.0.1", help="address the servers listen on")
    commands.add_parser("serve", parents=[run], add_help=False, help="serve the program's servers")
    test = commands.add_parser("test", help="run the test blocks of a program")
    test.add_argument("file")
    test.add_argument("--provider", metavar=words_metavar("provider"))
    test.add_argument("--model")
    test.add_argument("--config", metavar="FILE")
    test.add_argument("--trace", nargs="?", const="-", metavar="FILE")
    test.add_argument("--no-cache", action="store_true")
    test.add_argument("--allow-python", action="store_true")
    add_runtime_options(test)
    disasm = commands.add_parser("disasm", help="print the bytecode of a program with its source lines")
    disasm.add_argument("file")
    disasm.add_argument("--config", metavar="FILE")
    tool = commands.add_parser("tool", help="build a WASM tool: nexa tool build FILE.c|FILE.wat -o FILE.wasm")
    tool.add_argument("action", choices=["build"])
    tool.add_argument("options", nargs=argparse.REMAINDER, help="FILE.c|FILE.wat [-o FILE.wasm]")
    return parser


def add_runtime_options(parser: argparse.ArgumentParser) -> None:
    """The sandbox (S§0.3), scheduler and type-mode options; they add to the configuration."""
    sandbox = parser.add_argument_group("sandbox (S§0.3; adds to [sandbox])")
    sandbox.add_argument("--allow-read", action="append", default=[], metavar="PATH", help="fs_read entry")
    sandbox.add_argument("--allow-write", action="append", default=[], metavar="PATH", help="fs_write entry")
    sandbox.add_argument("--allow-net", action="append", default=[], metavar="HOST", help="net entry")
    sandbox.add_argument("--allow-shell", action="store_true", help="std.shell and stdio MCP servers")
    sandbox.add_argument("--approve-all", action="store_true", help="approve every requires_approval call")
    sandbox.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="ENTRY",
        help="python, shell, approve-all, read:PATH, write:PATH or net:HOST (the editor's form)",
    )
    scheduler = parser.add_argument_group("scheduler ([scheduler])")
    scheduler.add_argument("--max-concurrent", type=int, metavar="N", help="concurrent agent runs (>= 1)")
    scheduler.add_argument("--strategy", metavar=words_metavar("strategy"))
    parser.add_argument("--type-mode", metavar=words_metavar("type_mode"), help="L§7.13 ([type] mode)")


# The options whose value is one word of a set. No argparse `choices`: a wrong word is E202 with the
# spec's message (diagnostics.md E202; `nexa-lsp --check --harness` words it the same), not a usage error.
OPTION_WORDS = {
    "provider": ("offline", "openai"),
    "harness": ("warn", "strict", "off"),
    "type_mode": ("warn", "strict", "forgiving"),
    "strategy": ("round_robin", "least_loaded", "weighted_fair", "priority", "adaptive"),
}


def words_metavar(option: str) -> str:
    return "{" + ",".join(OPTION_WORDS[option]) + "}"


def invalid_options(args: argparse.Namespace) -> list[str]:
    """E202 messages for the option values outside their set."""
    problems = []
    for option, words in OPTION_WORDS.items():
        value = getattr(args, option, None)
        key = "--" + option.replace("_", "-")
        if value is None and option == "type_mode" and hasattr(args, option):
            # The environment stands in for the option (L§7.13); a wrong word there is no quieter.
            value, key = os.environ.get("NEXA_TYPE_MODE") or None, "NEXA_TYPE_MODE"
        if value is None or value in words:
            continue
        listed = ", ".join(f"'{word}'" for word in words)
        found = f"'{value}'" if len(value) <= 40 else "a string"
        problems.append(f"invalid configuration value for '{key}': expected one of {listed}, found {found}")
    return problems


def _flag_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The sandbox flags of `nexa run` (or a debug launch) as `sandbox.apply_flags` arguments."""
    return {
        "read": getattr(args, "allow_read", []),
        "write": getattr(args, "allow_write", []),
        "net": getattr(args, "allow_net", []),
        "allow": getattr(args, "allow", []),
        "shell": getattr(args, "allow_shell", False),
        "python": getattr(args, "allow_python", False),
        "approve_all": getattr(args, "approve_all", False),
    }


def flag_grants(args: argparse.Namespace) -> Any:
    """What the command-line flags alone allow (a `SandboxConfig`), which the check before a run
    counts as part of the effective configuration (S001); None when an entry is malformed (the
    run reports it as E202)."""
    from .sandbox import SandboxConfig, apply_flags

    try:
        return apply_flags(SandboxConfig(), **_flag_arguments(args))
    except ValueError:
        return None


def runtime_options(args: argparse.Namespace, settings: Any) -> dict[str, Any]:
    """Interpreter keyword arguments from the configuration and the command line (flags win)."""
    from .sandbox import Sandbox, SandboxConfig, apply_flags

    config = apply_flags(settings.sandbox or SandboxConfig(), **_flag_arguments(args))
    program_dir = os.path.dirname(os.path.abspath(args.file))
    max_concurrent = getattr(args, "max_concurrent", None)
    if max_concurrent is not None and max_concurrent < 1:
        raise ValueError(
            "invalid configuration value for '--max-concurrent': expected an integer of at least 1,"
            f" found {max_concurrent}"
        )
    type_mode = getattr(args, "type_mode", None) or os.environ.get("NEXA_TYPE_MODE") or settings.type_mode
    return {
        "sandbox": Sandbox(config, program_dir),
        "max_concurrent": max_concurrent if max_concurrent is not None else settings.max_concurrent,
        "strategy": getattr(args, "strategy", None) or settings.strategy,
        "rate_limits": settings.rate_limits,
        "type_mode": type_mode if type_mode in ("warn", "strict", "forgiving") else "warn",
        "max_loop": settings.max_loop,
        "consensus_timeout": settings.consensus_timeout,
    }


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """The command; `stdout`/`stderr` default to the process's streams (tests pass their own)."""
    process = argv is None  # the command's own process, not a test calling main
    if process:
        # The collector's thresholds of a run (interpreter.prepare_process) from the start: loading
        # the VM allocates tens of thousands of objects that live as long as the process, and the
        # default thresholds would scan them again and again (~10 ms of a hello world).
        gc.set_threshold(100_000, 50, 1000)
    if stdout is None and stderr is None:
        _use_utf8_output()
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    program_args: list[str] = []
    if "--" in argv:  # everything after `--` goes to flow main (D49)
        at = argv.index("--")
        argv, program_args = argv[:at], argv[at + 1 :]
    parser = build_parser()
    args, extra = parser.parse_known_args(_trace_before_program(argv))
    if extra:  # `nexa run FILE a b`: the words after the file go to flow main too (D49)
        if args.command != "run" or any(word.startswith("--") for word in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        program_args = extra + program_args
    args.args = program_args
    problems = invalid_options(args)
    for problem in problems:
        err.write(f"nexa: E202 {problem}\n")
    if problems:
        return EXIT_NOT_RUN
    if args.command == "disasm":
        return disasm(args.file, args.config, out, err)
    if args.command == "tool":
        from .wasm.build import main as build_main

        return build_main(args.options)
    return run_command(args, out, err, process=process)


def _trace_before_program(argv: list[str]) -> list[str]:
    """`nexa run --trace prog.nx`: a Nexa source after `--trace` is the program, and the trace goes
    to stderr, never into that file (R26)."""
    if "--trace" not in argv:
        return argv
    from nexa_lang.model import NEXA_SOURCE_SUFFIXES  # only here: a cached run need not load it

    out = list(argv)
    for at, word in enumerate(out[:-1]):
        if word == "--trace" and out[at + 1].endswith(NEXA_SOURCE_SUFFIXES):
            out[at] = "--trace=-"
    return out


def disasm(path: str, config: str | None, stdout: TextIO, stderr: TextIO) -> int:
    from .bytecode import disassemble
    from .loading import load_program

    loaded = load_program(path, stderr, config, use_cache=False)
    if loaded.program is None:
        return loaded.exit_code or EXIT_NOT_RUN
    program = loaded.program
    from nexa_lang.positions import LineIndex

    indexes = {name: LineIndex(data) for name, data in program.files.items()}

    def index_of(file: str | None) -> LineIndex:
        return indexes.get(file or "<input>") or next(iter(indexes.values()))

    def line_of(file: str | None, offset: int) -> int:
        return index_of(file).line_of(offset) + 1

    def line_text(file: str | None, line: int) -> str:
        return index_of(file).line_text(line - 1)

    for code in program.all_codes():
        stdout.write(disassemble(code, line_of, line_text))
        stdout.write("\n")
    return EXIT_OK


def run_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, process: bool = False) -> int:
    """`process`: this is the command's own process (not a test calling `main` with its argv)."""
    from .loading import load_program

    loaded = load_program(
        args.file, stderr, args.config, use_cache=not args.no_cache, grants=flag_grants(args)
    )
    if loaded.program is None:
        return loaded.exit_code or EXIT_NOT_RUN
    program = loaded.program
    if getattr(args, "seed", None) is not None:
        import random

        random.seed(args.seed)
    trace_target = getattr(args, "trace", None) or ("-" if os.environ.get("NEXA_TRACE") == "1" else None)
    try:
        provider, default_model, judge_model = open_run_provider(args, loaded.settings, args.file)
    except Exception as error:  # ProviderError (E202) and friends
        code = getattr(error, "code", "E202")
        stderr.write(f"nexa: {code} {error}\n")
        return EXIT_NOT_RUN
    trace: list[dict[str, Any]] | None = [] if trace_target else None
    try:
        options = runtime_options(args, loaded.settings)
    except ValueError as error:  # a malformed --allow entry, --max-concurrent < 1
        stderr.write(f"nexa: E202 {error}\n")
        return EXIT_NOT_RUN
    import asyncio

    from .interpreter import Interpreter, prepare_process

    if process:
        # prepare_process() collects, then freezes what is loaded. In a fresh process that full
        # collection finds a few hundred unreachable objects among ~20,000 and takes ~10 ms of a
        # hello world: freeze start-up's objects as they are, so that it has nothing to scan.
        gc.freeze()
    prepare_process()
    vm = Interpreter(
        program,
        provider,
        stdout=stdout,
        stderr=stderr,
        default_model=default_model,
        judge_model=judge_model,
        allow_python=getattr(args, "allow_python", False),
        trace=trace,
        log_internal=trace_target is not None,
        harness_mode=getattr(args, "harness", "warn"),
        **options,
    )
    if args.command == "test":
        code = asyncio.run(run_tests(vm, stdout, stderr))
    elif getattr(args, "debug_port", None) is not None:
        from .dap.attach import serve_run

        code = serve_run(vm, args, stdout, stderr)
    else:
        code = asyncio.run(run_program(vm, args, stdout, stderr))
    stdout.flush()
    if trace is not None:
        write_trace(trace, trace_target, stderr)
    return code


def open_run_provider(args: argparse.Namespace, settings: Any, root_file: str | None) -> tuple[Any, str, str]:
    """The run's provider, default model and judge model from the flags, the environment, the
    configuration and the secrets file (S§4.4, §4.7)."""
    from pathlib import Path

    from .errors import NexaError
    from .providers import choose_default_model, choose_implementation, choose_judge_model, open_provider
    from .secrets_file import UnusableSecrets, load_secrets

    config = settings.provider_config
    environ = dict(os.environ)
    secrets: Any
    model_names = None
    try:
        found = load_secrets(root_file)
    except NexaError as error:  # E203 belongs to the first key lookup, not to the start (diagnostics.md)
        secrets = UnusableSecrets(error)
    else:
        secrets = {key: value for key, value in found.items() if isinstance(value, str)}
        if isinstance(found.get("MODEL_NAME"), dict):
            model_names = found["MODEL_NAME"]
    implementation = choose_implementation(getattr(args, "provider", None), environ=environ, config=config)
    default_model = choose_default_model(
        implementation,
        cli_model=getattr(args, "model", None),
        environ=environ,
        config=config,
        model_names=model_names,
    )
    judge_model = choose_judge_model(default_model, environ=environ, config=config, model_names=model_names)
    record = getattr(args, "record", None)
    replay = getattr(args, "replay", None)
    provider = open_provider(
        implementation,
        default_model=default_model,
        environ=environ,
        config=config,
        secrets=secrets,
        record=Path(record) if record else None,
        replay=Path(replay) if replay else None,
    )
    return provider, default_model, judge_model


async def run_program(vm: Any, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .errors import ExitProgram, InternalError, NexaError

    program = vm.program
    argv = (
        [a for a in (args.args or []) if a != "--"]
        if args.args and args.args[0] == "--"
        else list(args.args or [])
    )
    if argv and argv[0] == "--":
        argv = argv[1:]
    vm.main_task = asyncio.current_task()
    try:
        try:
            await vm.initialize()
            serving = not args.flow and "main" not in program.flows and program.has_server
            if args.command == "serve" or serving:
                from .services.serving import serve

                if not program.has_server:
                    stderr.write(f"nexa: {args.file} declares no server\n")
                    return EXIT_NOT_RUN
                port, host = getattr(args, "port", None), getattr(args, "host", "127.0.0.1")
                code = await serve(vm, port=port, host=host, stderr=stderr)
                if code:
                    return code
            elif args.flow:
                if args.flow not in program.flows:
                    stderr.write(f"nexa: no flow named '{args.flow}'\n")
                    return EXIT_NOT_RUN
                await call_entry(vm, args.flow, argv)
            elif "main" in program.flows:
                await call_entry(vm, "main", argv)
            else:
                for name in program.flow_order:
                    if program.flows[name].params:
                        continue
                    stdout.write(f"=== Running flow: {name} ===\n")
                    await vm.call_flow(name, [])
        except ExitProgram as exit_:
            if vm.exit_code is None:
                vm.exit_code = exit_.code  # pending defers and background work stop (S§1.1)
            raise
        except asyncio.CancelledError:
            if vm.exit_code is None:
                raise
            asyncio.current_task().uncancel()  # exit() in a task stopped the entry flow
            raise ExitProgram(vm.exit_code) from None
        finally:
            try:
                await vm.shutdown()
            except NexaError:
                pass
    except ExitProgram as exit_:
        return exit_.code
    except asyncio.CancelledError:
        if vm.exit_code is None:
            raise
        asyncio.current_task().uncancel()  # exit() in a task while shutdown was waiting for it
        vm.stop_background()
        return vm.exit_code
    except NexaError as error:
        stdout.flush()
        vm.record_error(error)
        stderr.write(error_report(error))
        return EXIT_ERROR
    except InternalError as error:
        stdout.flush()
        stderr.write(internal_report(vm, error))
        return EXIT_INTERNAL
    return EXIT_OK


async def call_entry(vm: Any, name: str, argv: list[str]) -> None:
    """The command-line words bind to the entry flow's parameters by position (D49,
    docs/runtime-decisions.md R17): a word for a typed scalar parameter is read as that type, words
    beyond the parameters are ignored (R2), and a parameter without a word is bound as in any call
    (L§7.8: its default, else none)."""
    from .typemodes import command_line_value

    params = vm.program.flows[name].params
    await vm.call_flow(
        name, [command_line_value(word, param) for param, word in zip(params, argv, strict=False)]
    )


def error_report(error: Any) -> str:
    """diagnostics.md §1.7."""
    from .errors import CODE_NAMES

    lines = [f"Error: {error.kind}: {error.message}"]
    if error.file is not None or error.span is not None:
        lines.append(f"  --> {error.file or '<input>'}:{error.line}:{error.column}")
    lines.append(f"  = code {error.code} ({CODE_NAMES.get(error.code, 'runtime-error')})")
    return "\n".join(lines) + "\n"


def internal_report(vm: Any, error: Any) -> str:
    lines = [f"Error: InternalError: {error}"]
    if error.span is not None:
        line, column = vm.position(error.file, error.span[0])
        lines.append(f"  --> {error.file or '<input>'}:{line}:{column}")
    lines.append("  = code E401 (vm-execution-failed)")
    lines.append("  = please report this bug with the program and its trace (--trace FILE)")
    return "\n".join(lines) + "\n"


async def run_tests(vm: Any, stdout: TextIO, stderr: TextIO) -> int:
    """L§7.12; `exit()` in a task ends the test run with its code, as in `run_program`."""
    vm.main_task = asyncio.current_task()
    try:
        return await _run_tests(vm, stdout, stderr)
    except asyncio.CancelledError:
        if vm.exit_code is None:
            raise
        asyncio.current_task().uncancel()
        vm.stop_background()
        return vm.exit_code


async def _run_tests(vm: Any, stdout: TextIO, stderr: TextIO) -> int:
    from .errors import ExitProgram, InternalError, NexaError
    from .interpreter import Frame

    try:
        await vm.initialize()
    except NexaError as error:
        stderr.write(error_report(error))
        return EXIT_ERROR
    except ExitProgram as exit_:
        return exit_.code
    except InternalError as error:
        stderr.write(internal_report(vm, error))
        return EXIT_INTERNAL
    passed = failed = 0
    for name, code in vm.program.tests:
        try:
            await vm.execute(Frame(code, {}))
            stdout.write(f"[PASS] {name}\n")
            passed += 1
        except NexaError as error:
            failed += 1
            if error.kind == "AssertionError":
                stdout.write(f"[FAIL] {name}: {error.message}\n")
            else:
                stdout.write(f"[ERROR] {name}: {error.kind}: {error.message}\n")
        except ExitProgram as exit_:
            return exit_.code
        except InternalError as error:
            stderr.write(internal_report(vm, error))
            return EXIT_INTERNAL
    # the summary ends the runner's report (L§7.12, step 5 of L§7.2); shutdown (step 6: top-level
    # defers, waiting for tasks) follows it
    stdout.write(f"{passed} passed, {failed} failed\n")
    await vm.shutdown()
    return EXIT_OK if failed == 0 else EXIT_ERROR


def write_trace(trace: list[dict[str, Any]], target: str, stderr: TextIO) -> None:
    import json
    from pathlib import Path

    text = json.dumps(trace, ensure_ascii=False, indent=1, default=str)
    if target == "-":
        for event in trace:
            stderr.write("[trace] " + json.dumps(event, ensure_ascii=False, default=str) + "\n")
        return
    try:
        Path(target).write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        stderr.write(f"nexa: cannot write the trace to '{target}': {error.strerror or error}\n")


def _use_utf8_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if stream.isatty():
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="replace")
        except (ValueError, OSError):
            pass


if __name__ == "__main__":
    sys.exit(main())
