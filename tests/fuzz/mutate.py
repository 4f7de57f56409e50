"""Mutation fuzzer for the Nexa tools: half-typed and damaged programs must never crash, hang or
print a Python traceback (house rule: a clear error with a location, the server and VM keep running).

Each seed program (the upstream corpus, the conformance programs, the examples) is mutated the way
editing damages text: truncated at every Nth byte, a line deleted, duplicated or swapped, a token
or bracket deleted, a token of the language inserted, non-ASCII/CJK/emoji/NUL/CR inserted, a very
long line, deep nesting. Every mutant goes through, in process:

- the checker (`nexa_lang.check.check_file`, what `nexa-lsp --check` runs for each file),
- the formatter (`FormatError` is its documented refusal),
- the DAG builder (`nexa_lang.dag.build_flow_graph`, `activation_graphs`),
- the editor features at a few offsets (hover, completion, definition, references, highlights,
  rename, signature help, selection ranges, prompt preview, code actions) and over the whole file
  (semantic tokens, folding, outline, inlay hints),
- the language server's incremental sync (`nexa_lsp.documents.Document`): the seed is opened and
  the mutation applied as one partial change; the re-parsed tree must equal a fresh parse,
- the VM compiler for mutants without errors (`CompileError` is reported, not a crash).

With `--run N`, N mutants also go through the real `nexa run --no-cache` (offline provider, stdin
from /dev/null, a timeout): a traceback on stderr, exit code 70, or a hang is a finding.

Usage:
    .venv/bin/python tests/fuzz/mutate.py --count 2000 --seed 1 [--run 200] [--out /tmp/nexa-fuzz]

Findings are printed as one line each and, with --out, written there with a minimised reproducer.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/corpus/upstream")
HANG_SECONDS = 10
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

TOKENS = [
    ">>",
    "|>>",
    "||",
    "&>>",
    "&&",
    "|>",
    "??",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "match",
    "agent",
    "flow",
    "tool",
    "protocol",
    "fn",
    "let",
    "if",
    "else",
    "for",
    "in",
    "return",
    "try",
    "catch",
    "otherwise",
    "fallback",
    "loop",
    "until",
    "break",
    "=>",
    "->",
    ":",
    ",",
    ".",
    "=",
    '"',
    "'",
    "#{",
    "}",
    '"""',
    "\\",
    "//",
    "/*",
    "*/",
    "@",
    "#",
    "$",
    "_",
    "0",
    "1.5e",
    "0x",
    "none",
    "true",
    "implements",
    "uses",
    "requires",
    "ensures",
    "include",
    "std.",
    "secret(",
    "img(",
    "intent",
    "parallel",
    "race",
    "semantic_if",
    "test",
    "assert",
    "import",
    "enum",
    "struct",
]
ODD_TEXT = [
    "\ud800",  # a lone surrogate: JSON can carry one to the server; files cannot (UTF-8)
    "\x00",
    "\r",
    "\r\n",
    "\t",
    "\u00e9",
    "题目",
    "中文",
    "😀",
    "👩‍👩‍👧",
    "\ufeff",
    "\u200b",
    "\u2028",
    "\ud7ff",
    "\U0010ffff",
    "\x7f",
    "\x1b[0m",
    "\u0301",
]


@dataclass
class Mutant:
    seed: str
    how: str
    text: str
    at: int  # a byte offset near the change, for the position-based features


@dataclass
class Finding:
    tool: str
    mutant: Mutant
    detail: str  # the exception's last traceback line, "hang", or the run's failure


# ------------------------------------------------------------------------------------ seeds


def seed_files() -> list[Path]:
    paths = sorted(CORPUS.rglob("*.nx")) if CORPUS.is_dir() else []
    paths += sorted((REPO / "tests" / "conformance" / "programs").glob("*.nx"))
    paths += sorted((REPO / "examples").glob("*.nx"))
    return paths


def read_seeds(paths: list[Path]) -> list[tuple[str, str]]:
    seeds = []
    for path in paths:
        try:
            seeds.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return seeds


# ------------------------------------------------------------------------------------ mutations


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _token_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*|\d+|>>|\|>>|\?\?|=>|->|#\{|\S", text)]


VALUES = [
    "0",
    "-1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e308",
    "1e309",
    "0.0",
    "-0.0",
    "[]",
    "{}",
    "none",
    "true",
    '""',
    '"题目😀"',
    '"\\u0000"',
    '"#{missing}"',
    '"%s%d{}"',
    "[1, [2, [3]]]",
    '{"k": none}',
    "1 / 0",
    "[1][5]",
    '"a" * 1000000',
    "-(2 ** 64)",
    "10 % 0",
]


def mutate_value(seed: str, text: str, rng: random.Random) -> Mutant:
    """A number or string literal replaced by an extreme value: the program often still checks,
    so the VM runs it (`--values`)."""
    literals = [m.span() for m in re.finditer(r'(?<![\w.])\d+(?:\.\d+)?(?![\w.])|"[^"\n#\\]*"', text)]
    if not literals:
        return mutate(seed, text, rng)
    start, end = rng.choice(literals)
    value = rng.choice(VALUES)
    new = text[:start] + value + text[end:]
    return Mutant(seed, f"value {text[start:end][:20]!r}->{value!r}@{start}", new, _byte_offset(new, start))


def mutate(seed: str, text: str, rng: random.Random) -> Mutant:
    """One random mutant of `text`."""
    lines = text.splitlines(keepends=True) or [""]
    kind = rng.choice(
        [
            "truncate",
            "truncate",
            "delete_line",
            "duplicate_line",
            "swap_lines",
            "delete_token",
            "delete_bracket",
            "insert_token",
            "insert_token",
            "insert_odd",
            "long_line",
            "deep_nesting",
            "replace_char",
            "splice",
        ]
    )
    pos = rng.randrange(len(text) + 1)
    if kind == "truncate":
        return Mutant(seed, f"truncate@{pos}", text[:pos], _byte_offset(text, pos))
    if kind in ("delete_line", "duplicate_line", "swap_lines"):
        n = rng.randrange(len(lines))
        changed = list(lines)
        if kind == "delete_line":
            del changed[n]
        elif kind == "duplicate_line":
            changed.insert(n, lines[n])
        else:
            m = rng.randrange(len(lines))
            changed[n], changed[m] = changed[m], changed[n]
        new = "".join(changed)
        return Mutant(seed, f"{kind}#{n}", new, _byte_offset(new, len("".join(changed[:n]))))
    if kind in ("delete_token", "delete_bracket"):
        spans = _token_spans(text)
        if kind == "delete_bracket":
            spans = [s for s in spans if text[s[0] : s[1]] in "(){}[]\"'"] or spans
        if not spans:
            return Mutant(seed, "empty", "", 0)
        start, end = rng.choice(spans)
        new = text[:start] + text[end:]
        return Mutant(seed, f"{kind}@{start}", new, _byte_offset(new, start))
    if kind == "insert_token":
        token = rng.choice(TOKENS)
        pad = rng.choice(["", " "])
        new = text[:pos] + pad + token + pad + text[pos:]
        return Mutant(seed, f"insert {token!r}@{pos}", new, _byte_offset(new, pos + len(pad + token)))
    if kind == "insert_odd":
        odd = rng.choice(ODD_TEXT)
        new = text[:pos] + odd + text[pos:]
        return Mutant(seed, f"insert {odd!r}@{pos}", new, _byte_offset(new, pos))
    if kind == "long_line":
        piece = rng.choice(["x", "a + ", "题", '"#{x}"', "[1, ", "// comment "])
        new = text[:pos] + piece * rng.choice([500, 5000, 20000]) + text[pos:]
        return Mutant(seed, f"long {piece!r}@{pos}", new, _byte_offset(new, pos))
    if kind == "deep_nesting":
        opener, closer = rng.choice(
            [
                ("(", ")"),
                ("[", "]"),
                ("{", "}"),
                ("if x {", "}"),
                ("f(", ")"),
                ('"#{', '}"'),
                ("-", ""),
                ("not ", ""),
            ]
        )
        depth = rng.choice([50, 200, 1000])
        closed = rng.random() < 0.5
        insert = opener * depth + "1" + (closer * depth if closed else "")
        new = text[:pos] + insert + text[pos:]
        return Mutant(
            seed,
            f"nest {opener!r}x{depth}{'' if closed else ' unclosed'}@{pos}",
            new,
            _byte_offset(new, pos + depth),
        )
    if kind == "replace_char":
        if not text:
            return Mutant(seed, "empty", "", 0)
        i = rng.randrange(len(text))
        c = rng.choice("{}()[]\"'#:;,.=<>|&?!@$\\ \n")
        new = text[:i] + c + text[i + 1 :]
        return Mutant(seed, f"replace@{i}={c!r}", new, _byte_offset(new, i))
    # splice: a random slice of the program pasted somewhere else
    a = rng.randrange(len(text) + 1)
    b = min(len(text), a + rng.randrange(1, 200))
    new = text[:pos] + text[a:b] + text[pos:]
    return Mutant(seed, f"splice[{a}:{b}]@{pos}", new, _byte_offset(new, pos))


def truncations(seed: str, text: str, step: int) -> Iterator[Mutant]:
    """The prefixes of `text` at every `step`th character: typing the program from the top."""
    for pos in range(0, len(text), step):
        yield Mutant(seed, f"truncate@{pos}", text[:pos], _byte_offset(text, pos))


# ------------------------------------------------------------------------------------ checks


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise `Hang` in the main thread after `seconds` (SIGALRM; a no-op elsewhere)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def fire(signum, frame):  # noqa: ANN001, ARG001
        raise Hang(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _positions(source: bytes, at: int, rng: random.Random) -> list[int]:
    n = len(source)
    wanted = {0, n, min(max(at, 0), n), min(max(at - 1, 0), n), rng.randrange(n + 1), rng.randrange(n + 1)}
    return sorted(wanted)


def tool_calls(text: str, at: int, rng: random.Random) -> Iterator[tuple[str, Callable[[], object]]]:
    """The (tool name, call) pairs to run for one mutant; later calls use earlier results lazily."""
    from nexa_lang import dag, formatter
    from nexa_lang.analysis import analyze
    from nexa_lang.check import check_file
    from nexa_lang.code_actions import code_actions
    from nexa_lang.completion import complete
    from nexa_lang.folding import folding_ranges
    from nexa_lang.hover import hover
    from nexa_lang.inlay_hints import inlay_hints
    from nexa_lang.model import Workspace
    from nexa_lang.navigation import definition, document_highlights, references
    from nexa_lang.outline import document_symbols
    from nexa_lang.positions import Span
    from nexa_lang.prompt_preview import prompt_preview
    from nexa_lang.rename import RenameRefused, prepare_rename, rename
    from nexa_lang.selection_ranges import selection_ranges
    from nexa_lang.semantic_tokens import semantic_tokens
    from nexa_lang.signature_help import signature_help

    state: dict[str, object] = {}

    def check() -> object:
        state["diagnostics"] = check_file(text, "/virtual/fuzz.nx").diagnostics
        return state["diagnostics"]

    def fmt() -> object:
        try:
            return formatter.format_source(text)
        except formatter.FormatError:
            return None

    def analysis():  # noqa: ANN202
        if "analysis" not in state:
            workspace = Workspace()
            file = workspace.set_text("/virtual/fuzz.nx", text)
            state["analysis"] = analyze(workspace, file)
        return state["analysis"]

    def graphs() -> object:
        program = analysis().program
        return dag.build_flow_graph(program), dag.activation_graphs(program)

    def whole_file() -> object:
        a = analysis()
        return semantic_tokens(a), folding_ranges(a.file), document_symbols(a.file), inlay_hints(a)

    def renaming(a, offset: int) -> None:  # noqa: ANN001
        try:
            prepare_rename(a, offset)
            rename(a, offset, "renamed_x")
        except RenameRefused:
            pass

    features = {
        "hover": hover,
        "completion": complete,
        "definition": definition,
        "references": references,
        "highlights": document_highlights,
        "signature_help": signature_help,
        "prompt_preview": prompt_preview,
        "rename": renaming,
    }
    offsets = _positions(text.encode("utf-8", "surrogatepass"), at, rng)

    def actions() -> object:
        a = analysis()
        n = len(a.file.source)
        return code_actions(a, Span(0, n), state.get("diagnostics"))

    def compile_vm() -> object:
        from nexa_lang.codes import Severity

        diagnostics = state.get("diagnostics")
        if diagnostics is None or any(d.severity is Severity.ERROR for d in diagnostics):
            return None
        from nexa_avm.compiler import CompileError, compile_program

        try:
            return compile_program(analysis().program)
        except CompileError as error:
            raise AssertionError(f"CompileError on a checked program: {error}") from error

    yield "check", check
    yield "format", fmt
    yield "dag", graphs
    yield "features/file", whole_file
    for name, feature in features.items():
        for offset in offsets:
            yield f"features/{name}@{offset}", lambda f=feature, o=offset: f(analysis(), o)
    yield "features/selection_ranges", lambda: selection_ranges(analysis(), offsets)
    yield "code_actions", actions
    yield "compile", compile_vm


def incremental_sync(seed_text: str, mutant: Mutant) -> None:
    """Open the seed in the server's document store, apply the mutation as one partial change,
    and compare the incrementally re-parsed tree with a fresh parse."""
    from lsprotocol import types

    from nexa_lang.model import Workspace
    from nexa_lang.parsing import parse
    from nexa_lsp.documents import DocumentStore

    old, new = seed_text, mutant.text
    if old.startswith("\ufeff"):
        return  # by design the server's positions do not count a BOM: a change cannot remove it
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    store = DocumentStore(Workspace())
    uri = "file:///virtual/sync.nx"
    document = store.open(uri, 1, old)
    store.analysis(document)
    ranges = document.ranges
    change = types.TextDocumentContentChangePartial(
        range=ranges.range((_byte_offset(old, start), _byte_offset(old, end_old))), text=new[start:end_new]
    )
    store.changed(document, 2, [change])
    analysis = store.analysis(document)
    new = _LONE_SURROGATE.sub("\ufffd", new)
    if document.text != new:
        raise AssertionError("the document's text after the change is not the edited text")
    fresh = parse(new.encode("utf-8", "surrogatepass"))
    if str(analysis.file.tree.root_node) != str(fresh.root_node):
        raise AssertionError("the incrementally re-parsed tree differs from a fresh parse")


def exercise(mutant: Mutant, seed_text: str | None, rng: random.Random) -> list[Finding]:
    """Run every in-process tool on `mutant`; a finding per failing tool."""
    findings = []
    # What a file holds: text read from UTF-8 has no lone surrogates (the server replaces them).
    text = _LONE_SURROGATE.sub("\ufffd", mutant.text)
    for tool, call in tool_calls(text, mutant.at, rng):
        failure = _run_guarded(call)
        if failure is not None:
            findings.append(Finding(tool, mutant, failure))
            if tool == "check":
                break  # the later tools reuse its work
    if seed_text is not None:
        failure = _run_guarded(lambda: incremental_sync(seed_text, mutant))
        if failure is not None:
            findings.append(Finding("lsp/sync", mutant, failure))
    return findings


def _run_guarded(call: Callable[[], object]) -> str | None:
    try:
        with deadline(HANG_SECONDS):
            call()
    except Hang:
        return "hang"
    except RecursionError:
        return "RecursionError: " + _where(sys.exc_info()[2])
    except Exception as error:  # noqa: BLE001 -- every other exception is a finding
        return f"{type(error).__name__}: {str(error)[:200]} @ {_where(error.__traceback__)}"
    return None


def _where(tb) -> str:  # noqa: ANN001
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "/nexa_" in f.filename] or frames
    last = ours[-1] if ours else None
    return f"{Path(last.filename).name}:{last.lineno} {last.name}" if last else "?"


# ------------------------------------------------------------------------------------ nexa run


def run_subprocess(text: str, workdir: Path, timeout: int = HANG_SECONDS) -> str | None:
    """A failure description when `nexa run --no-cache` on `text` tracebacks, exits 70 or hangs."""
    path = workdir / "fuzz.nx"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    env = dict(os.environ, NEXA_PROVIDER="offline")
    env.pop("OPENAI_API_KEY", None)
    try:
        done = subprocess.run(
            [str(REPO / ".venv" / "bin" / "nexa"), "run", "--no-cache", "--provider", "offline", str(path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            cwd=workdir,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return "hang" if _terminates_quickly(text) else None
    stderr = done.stderr.decode("utf-8", "replace")
    if "Traceback (most recent call last)" in stderr:
        return "traceback: " + stderr.strip().splitlines()[-1][:200]
    if done.returncode == 70:
        return "exit 70: " + (stderr.strip().splitlines() or [""])[-1][:200]
    return None


def _terminates_quickly(text: str) -> bool:
    """A program may legitimately loop forever or read input; only count hangs outside those."""
    words = ("loop", "while", "input(", "sleep", "serve", "server ", "until", "schedule")
    return not any(word in text for word in words)


# ------------------------------------------------------------------------------------ minimising


def minimise(text: str, fails: Callable[[str], bool], budget: float = 60.0) -> str:
    """A smaller text that still fails: lines, then characters removed in halving chunks."""
    stop = time.monotonic() + budget
    for unit in ("line", "char"):
        pieces = text.splitlines(keepends=True) if unit == "line" else list(text)
        chunk = max(len(pieces) // 2, 1)
        while chunk >= 1 and time.monotonic() < stop:
            i, removed = 0, False
            while i < len(pieces) and time.monotonic() < stop:
                candidate = pieces[:i] + pieces[i + chunk :]
                if fails("".join(candidate)):
                    pieces, removed = candidate, True
                else:
                    i += chunk
            if not removed:
                chunk //= 2
        text = "".join(pieces)
    return text


def fails_same(finding: Finding, rng_seed: int = 0) -> Callable[[str], bool]:
    signature = finding.detail.split(" @ ")[-1] if " @ " in finding.detail else finding.detail.split(":")[0]

    def fails(text: str) -> bool:
        mutant = Mutant(
            finding.mutant.seed,
            "min",
            text,
            min(finding.mutant.at, len(text.encode("utf-8", "surrogatepass"))),
        )
        for other in exercise(mutant, None, random.Random(rng_seed)):
            if other.tool.split("@")[0] == finding.tool.split("@")[0] and signature in other.detail:
                return True
        return False

    return fails


# ------------------------------------------------------------------------------------ driver


def generate(
    seeds: list[tuple[str, str]], count: int, rng: random.Random, step: int, values: bool = False
) -> Iterator[tuple[Mutant, str]]:
    """`count` mutants: truncations of each seed at every `step`th character first (while they
    last, a quarter of the budget), then random mutations of random seeds. `values`: only literal
    replacements (one to three), which mostly keep the program checkable."""
    made = 0
    if values:
        while made < count:
            name, text = rng.choice(seeds)
            mutant = Mutant(name, "", text, 0)
            for _ in range(rng.randint(1, 3)):
                changed = mutate_value(name, mutant.text, rng)
                mutant = Mutant(name, f"{mutant.how} {changed.how}".strip(), changed.text, changed.at)
            yield mutant, text
            made += 1
        return
    for name, text in seeds:
        if made >= count // 4:
            break
        for mutant in truncations(name, text, max(step, len(text) // 8 or 1)):
            yield mutant, text
            made += 1
    while made < count:
        name, text = rng.choice(seeds)
        mutant = mutate(name, text, rng)
        if rng.random() < 0.2:  # two mutations at once
            mutant = Mutant(name, mutant.how + " + ", mutant.text, mutant.at)
            second = mutate(name, mutant.text, rng)
            mutant = Mutant(name, mutant.how + second.how, second.text, second.at)
        yield mutant, text
        made += 1


def _kind_of(detail: str) -> str:
    """What tells findings apart: where the exception was raised (any RecursionError is one kind)."""
    if detail.startswith("RecursionError"):
        return "RecursionError"
    return detail.split(" @ ")[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="in-process mutants")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--step", type=int, default=97, help="truncate at every Nth character")
    parser.add_argument("--run", type=int, default=0, help="mutants also run through `nexa run`")
    parser.add_argument("--values", action="store_true", help="--run mutants replace literals only")
    parser.add_argument("--out", type=Path, help="folder for findings and minimised reproducers")
    parser.add_argument("--minimise", action="store_true", help="minimise the first finding of each kind")
    parser.add_argument(
        "--seeds", nargs="*", type=Path, help="seed files (default: corpus, conformance, examples)"
    )
    args = parser.parse_args(argv)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    rng = random.Random(args.seed)
    seeds = read_seeds(args.seeds or seed_files())
    started = time.monotonic()
    kinds: dict[str, Finding] = {}
    findings = 0
    n = 0
    for mutant, seed_text in generate(seeds, args.count, rng, args.step):
        n += 1
        for finding in exercise(mutant, seed_text, rng):
            findings += 1
            key = f"{finding.tool.split('@')[0]} {_kind_of(finding.detail)}"
            if key not in kinds:
                kinds[key] = finding
                print(f"FINDING {finding.tool}: {finding.detail} [{mutant.seed} {mutant.how}]", flush=True)
    print(
        f"{n} mutants in-process, {findings} findings, {len(kinds)} kinds, {time.monotonic() - started:.0f} s"
    )

    run_failures = 0
    if args.run:
        with tempfile.TemporaryDirectory(prefix="nexa-fuzz-") as tmp:
            runs = generate(seeds, args.run, random.Random(args.seed + 1), args.step, values=args.values)
            for i, (mutant, _) in enumerate(runs):
                failure = run_subprocess(mutant.text, Path(tmp))
                if failure is not None:
                    run_failures += 1
                    finding = Finding("nexa run", mutant, failure)
                    kinds.setdefault(f"nexa run {failure[:60]}", finding)
                    print(f"FINDING nexa run: {failure} [{mutant.seed} {mutant.how}]", flush=True)
                if (i + 1) % 50 == 0:
                    print(f"  {i + 1} runs", flush=True)
        print(f"{args.run} mutants through nexa run, {run_failures} failures")

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for number, (key, finding) in enumerate(kinds.items()):
            text = finding.mutant.text
            if args.minimise and finding.tool != "nexa run":
                text = minimise(text, fails_same(finding))
            (args.out / f"finding{number:03}.nx").write_bytes(text.encode("utf-8", "surrogatepass"))
            (args.out / f"finding{number:03}.txt").write_text(
                f"{key}\n{finding.detail}\nseed: {finding.mutant.seed}\nmutation: {finding.mutant.how}\n",
                encoding="utf-8",
            )
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
