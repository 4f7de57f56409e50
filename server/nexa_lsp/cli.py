"""The `nexa-lsp` command: the language server (stdio), or `--check` for CI and the shell.

    nexa-lsp                 serve LSP on stdio (`--tcp HOST:PORT` serves one client over TCP)
    nexa-lsp --check PATH…   check files and folders (.nx, .nxlib; `-` is standard input)
    nexa-lsp --dag FILE [--flow NAME] [--output-format json|mermaid|dot]
                             print the agent graph of a flow (json: LSP ranges, 0-based line, UTF-16)
    nexa-lsp --format PATH…  format files and folders in place (`-`: standard input to standard output)

Exit codes of `--check` (diagnostics.md §14.3): 0 when no selected diagnostic reaches the
`--severity` threshold, 1 when one does (0 with `--exit-zero`), 2 for usage errors, paths that
cannot be checked and invalid configuration (E201, E202), which are printed on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nexa_lang.codes import Severity
from nexa_lang.config import (
    COMMAND_LINE,
    ConfigError,
    Settings,
    SettingsLoader,
    explicit_config_path,
    validate_options,
)
from nexa_lang.diagnostics import Diagnostic
from nexa_lang.positions import LineIndex, Unit
from nexa_lang.selection import HarnessMode
from nexa_lsp.batch import CheckJob, FileResult, default_workers, run_jobs
from nexa_lsp.progress import Progress
from nexa_lsp.reports import (
    Indexes,
    locate,
    report_concise,
    report_full,
    report_github,
    report_json,
    report_junit,
)
from nexa_lsp.sarif import report_sarif
from nexa_lsp.sources import STDIN, SourcePath, discover, write_atomically
from nexa_lsp.watch import watch

FORMATS = {
    "full": report_full,
    "concise": report_concise,
    "json": report_json,
    "sarif": report_sarif,
    "github": report_github,
    "junit": report_junit,
}
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
DAG_FORMATS = ("json", "mermaid", "dot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexa-lsp",
        description="The Nexa language server (stdio). With --check, check files and report diagnostics.",
    )
    parser.add_argument(
        "--check", nargs="*", metavar="PATH", help="check files and folders ('-' reads stdin)"
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument(
        "--format", nargs="*", metavar="PATH", help="format files and folders in place ('-': stdin to stdout)"
    )
    parser.add_argument("--dag", metavar="PATH", help="print the agent graph of a flow")
    parser.add_argument("--flow", metavar="NAME", help="with --dag: the flow (default main, else the first)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="serve one client over TCP instead of stdio")
    lint = parser.add_argument_group("checking")
    lint.add_argument(
        "--select", action="append", default=[], metavar="CODES", help="codes, names or prefixes"
    )
    lint.add_argument("--ignore", action="append", default=[], metavar="CODES")
    lint.add_argument("--extend-select", action="append", default=[], metavar="CODES")
    lint.add_argument("--severity", metavar="LEVEL", help="exit-code threshold: error, warning, info or hint")
    lint.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when diagnostics reach the threshold"
    )
    lint.add_argument("--harness", metavar="MODE", help="harness checks: warn, strict or off")
    lint.add_argument("--fix", action="store_true", help="apply safe fixes")
    lint.add_argument("--unsafe-fixes", action="store_true", help="apply unsafe fixes too (implies --fix)")
    lint.add_argument(
        "--config", metavar="FILE", help="configuration file (else NEXA_CONFIG, else nexa.toml)"
    )
    lint.add_argument(
        "--output-format",
        metavar="FORMAT",
        help=f"--check: {', '.join(sorted(FORMATS))} (default full); "
        f"--dag: {', '.join(DAG_FORMATS)} (default json)",
    )
    lint.add_argument("--watch", action="store_true", help="check again whenever a file changes")
    lint.add_argument("--no-cache", action="store_true", help="check every file, ignoring cached results")
    lint.add_argument("--cache-dir", metavar="DIR", help="where cached results live")
    lint.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: every core)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.format is not None:
        _use_utf8_output()
        return format_command(args.format)
    if args.dag is not None:
        if args.output_format not in (None, *DAG_FORMATS):
            parser.error(f"--dag: --output-format must be one of {', '.join(DAG_FORMATS)}")
        _use_utf8_output()
        return dag_command(args.dag, args.flow, args.output_format or "json")
    if args.check is None:
        if args.paths:
            parser.error("paths are only accepted with --check")
        from nexa_lsp.server import serve

        return serve(args.tcp)
    if args.output_format is None:
        args.output_format = "full"
    elif args.output_format not in FORMATS:
        parser.error(f"--check: --output-format must be one of {', '.join(sorted(FORMATS))}")
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    _use_utf8_output()
    from nexa_lang.terminal_log import one_line_log

    with one_line_log(sys.stderr, "nexa-lsp"):
        return CheckCommand(args).run()


def dag_command(path: str, flow: str | None, output_format: str) -> int:
    """Print the graph of `flow` in `path` (the same builder and schema as the `nexa/dag` request)."""
    import json

    from nexa_lang.dag import UnknownFlowError, build_flow_graph
    from nexa_lang.model import SourceFile, Workspace
    from nexa_lsp.dag_render import to_dot, to_mermaid
    from nexa_lsp.documents import uri_of
    from nexa_lsp.ranges import Ranges

    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"nexa-lsp: {path}: cannot read ({error})", file=sys.stderr)
        return EXIT_ERROR
    workspace = Workspace()
    try:
        program = workspace.program(workspace.set_text(os.path.abspath(path), text))
        graph = build_flow_graph(program, flow)
    except UnknownFlowError as error:
        print(f"nexa-lsp: {path}: {error}", file=sys.stderr)
        return EXIT_ERROR
    except RecursionError:
        from nexa_lang.nesting import NESTED_TOO_DEEPLY, deepest_position

        line, column = deepest_position(text.encode("utf-8"))
        print(f"nexa-lsp: {path}:{line}:{column}: {NESTED_TOO_DEEPLY}", file=sys.stderr)
        return EXIT_ERROR

    def convert_range(file: SourceFile, span: object) -> dict[str, object]:
        return Ranges(file.lines, Unit.UTF16).range_dict(span)

    data = graph.to_dict(convert_range, lambda file: uri_of(file.path) if file.path else None)
    if output_format == "mermaid":
        sys.stdout.write(to_mermaid(data))
    elif output_format == "dot":
        sys.stdout.write(to_dot(data))
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return EXIT_CLEAN


def format_command(paths: list[str]) -> int:
    """Format files in place with `nexa_lang.formatter`: files and folders (searched for .nx and
    .nxlib as `--check` does), `-` for standard input to standard output. A file the formatter
    refuses (syntax errors) is left as it is, with one line on stderr, and the exit code is 2."""
    try:
        from nexa_lang.formatter import (  # type: ignore[import-not-found, unused-ignore]
            FormatError,
            format_source,
        )
    except ImportError:
        print("nexa-lsp: --format is not available yet (no nexa_lang.formatter)", file=sys.stderr)
        return EXIT_ERROR
    sources, problems = discover(paths or [STDIN])
    status = EXIT_ERROR if problems else EXIT_CLEAN
    for problem in problems:
        print(problem.line(), file=sys.stderr)
    for source in sources:
        try:
            data = sys.stdin.buffer.read() if source.path is None else source.path.read_bytes()
            text = data.decode("utf-8")
            formatted = format_source(text)
            if source.path is None:
                sys.stdout.buffer.write(formatted.encode("utf-8"))
                sys.stdout.flush()
            elif formatted != text:
                failure = write_atomically(source.path, formatted, data, what="the formatted text")
                if failure is not None:
                    print(f"nexa-lsp: {source.shown}: {failure}", file=sys.stderr)
                    status = EXIT_ERROR
        except UnicodeDecodeError:
            print(f"nexa-lsp: {source.shown}: not UTF-8 text; not formatted", file=sys.stderr)
            status = EXIT_ERROR
        except FormatError as error:  # syntax errors: the file is left as it is
            print(f"nexa-lsp: {source.shown}: {error}", file=sys.stderr)
            status = EXIT_ERROR
        except Exception as error:  # one line per file that could not be formatted
            print(
                f"nexa-lsp: {source.shown}: cannot format ({type(error).__name__}: {error})", file=sys.stderr
            )
            status = EXIT_ERROR
    return status


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


@dataclass
class CheckCommand:
    args: argparse.Namespace
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    def __post_init__(self) -> None:
        args = self.args
        self.arguments: list[str] = list(args.check) + list(args.paths) or ["."]
        self.select = _split(args.select) or None
        self.ignore = _split(args.ignore)
        self.extend_select = _split(args.extend_select)
        self.loader = SettingsLoader(explicit_config_path(args.config))
        self.stdin_data: bytes | None = None

    def run(self) -> int:
        problems = validate_options(
            select=self.select,
            ignore=self.ignore,
            extend_select=self.extend_select,
            threshold=self.args.severity,
            harness=self.args.harness,
        )
        if problems:
            self._print_config_problems(problems)
            return EXIT_ERROR
        if STDIN in self.arguments:
            self.stdin_data = sys.stdin.buffer.read()
        if self.args.watch:
            return watch(self.arguments, self.check_once, self._config_files)
        return self.check_once()

    def check_once(self) -> int:
        started = time.monotonic()
        self.loader = SettingsLoader(explicit_config_path(self.args.config))  # --watch: read edits too
        sources, problems = discover(self.arguments)
        jobs: list[CheckJob] = []
        config_problems: dict[str, Diagnostic] = {}
        for source in sources:
            try:
                settings = self._settings(source)
            except ConfigError as error:
                for diagnostic in error.diagnostics:
                    config_problems.setdefault(
                        f"{diagnostic.path}:{diagnostic.span}:{diagnostic.message}", diagnostic
                    )
                continue
            jobs.append(
                CheckJob(
                    source,
                    settings,
                    fix=self.args.fix or self.args.unsafe_fixes,
                    unsafe_fixes=self.args.unsafe_fixes,
                    cache_dir=self.args.cache_dir,
                    use_cache=not self.args.no_cache,
                    stdin_data=self.stdin_data if source.is_stdin else None,
                )
            )
        if config_problems:
            self._print_config_problems(list(config_problems.values()))
            return EXIT_ERROR
        if not sources and not problems:
            print("nexa-lsp: no .nx or .nxlib files found", file=self.stderr)

        progress = Progress(len(jobs), self.stderr)
        results = run_jobs(jobs, self.args.jobs or default_workers(), lambda _: progress.advance())
        progress.finish()

        failed = [*problems, *(r.source_problem() for r in results if r.problem)]
        for problem in failed:
            print(problem.line(), file=self.stderr)
        checked = [r for r in results if r.problem is None]
        code = self._report(checked, results)
        if self.args.watch:
            elapsed = time.monotonic() - started
            status = f"checked {len(checked)} file(s) in {elapsed:.1f}s; watching for changes (Ctrl-C stops)"
            print(f"nexa-lsp: {status}", file=self.stderr)
            self.stdout.flush()
            self.stderr.flush()
        return EXIT_ERROR if failed else code

    def _settings(self, source: SourcePath) -> Settings:
        settings = self.loader.settings_for(source.path)
        harness = HarnessMode(self.args.harness) if self.args.harness else None
        threshold = Severity(self.args.severity) if self.args.severity else None
        return settings.with_options(
            select=self.select,
            ignore=self.ignore,
            extend_select=self.extend_select,
            threshold=threshold,
            harness_mode=harness,
        )

    def _report(self, checked: list[FileResult], results: list[FileResult]) -> int:
        items = locate(checked, Indexes(checked))
        fixed_stdin = next((r.fixed_text for r in results if r.fixed_text is not None), None)
        # With `-` and --fix the fixed text is the output; the report moves to stderr.
        out = self.stderr if fixed_stdin is not None else self.stdout
        colour = _wants_colour(out)
        text = FORMATS[self.args.output_format](items, results, colour)
        if fixed_stdin is not None:
            self.stdout.write(fixed_stdin)
        out.write(text)
        out.flush()
        fixed = sum(len(r.fixed) for r in results)
        if fixed and self.args.output_format not in ("full", "concise"):
            files = sum(1 for r in results if r.fixed)
            print(f"nexa-lsp: fixed {fixed} diagnostic(s) in {files} file(s)", file=self.stderr)
        thresholds = {r.shown: self._threshold_for(r) for r in checked}
        reached = any(
            item.diagnostic.severity.rank >= thresholds.get(item.filename, Severity.ERROR).rank
            for item in items
        )
        return EXIT_FOUND if reached and not self.args.exit_zero else EXIT_CLEAN

    def _threshold_for(self, result: FileResult) -> Severity:
        if self.args.severity:
            return Severity(self.args.severity)
        try:
            return self.loader.settings_for(Path(result.path) if result.path else None).check.severity
        except ConfigError:
            return Severity.ERROR

    def _config_files(self) -> list[Path]:
        files = []
        for source in discover([a for a in self.arguments if a != STDIN])[0]:
            found = self.loader.config_file_for(source.path)
            if found is not None and found not in files:
                files.append(found)
        return files

    def _print_config_problems(self, problems: list[Diagnostic]) -> None:
        for diagnostic in problems:
            where = diagnostic.path or COMMAND_LINE
            if diagnostic.path not in (None, COMMAND_LINE) and diagnostic.code != "E201":
                try:
                    index = LineIndex(Path(diagnostic.path).read_bytes())
                    line, column = index.position(
                        diagnostic.span.start, Unit.CODEPOINT, line_base=1, column_base=1
                    )
                    where = f"{where}:{line}:{column}"
                except OSError:
                    pass
            print(f"{where}: {diagnostic.code} {diagnostic.message}", file=self.stderr)


def _wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _use_utf8_output() -> None:
    # Reports hold CJK text: never fail on an output encoding that cannot show it.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        if stream.isatty():
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    sys.exit(main())
