"""G009 secret-literal: a string literal looks like a credential.

Why: prompts and other strings are sent to model providers and stored in traces, caches and
cassettes; a key written into the source leaks with them.
Example: `prompt: "Deploy with token sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a"`.
Fix (unsafe) "Read it from the secrets file": the literal becomes `secret("API_KEY")` (the user must
add the key to `secrets.nxs`).
"""

import re
from collections.abc import Iterator

from nexa_lang import ast
from nexa_lang.diagnostics import Diagnostic, Fix, Safety, rule
from nexa_lang.model import Program
from nexa_lang.positions import Span

MESSAGE = 'this string looks like a {kind}; keep credentials in secrets.nxs and read them with secret("NAME")'

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("OpenAI-style key", re.compile(r"sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("private key block", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
)
# What every pattern above starts with: a file whose text has none of these holds no secret, and
# most files have none, so one search of the file spares running every pattern on every string.
PREFIXES = re.compile(rb"sk-|A[KS]IA|gh[pousr]_|xox[abposr]-|AIza|-----BEGIN |eyJ")


@rule("G009", "secret-literal")
def check(program: Program) -> Iterator[Diagnostic]:
    for file in program.files:
        if not PREFIXES.search(file.source):
            continue
        for node in file.nodes.of(ast.StringLit, ast.TemplateLit):
            if not isinstance(node, ast.StringLit | ast.TemplateLit):
                continue
            text = file.text_of(node.span)  # the literal as written, so offsets map back to bytes
            taken: list[tuple[int, int]] = []
            for kind, pattern in PATTERNS:
                for found in pattern.finditer(text):
                    if any(found.start() < end and start < found.end() for start, end in taken):
                        continue
                    taken.append((found.start(), found.end()))
                    start = node.span.start + len(text[: found.start()].encode("utf-8"))
                    end = node.span.start + len(text[: found.end()].encode("utf-8"))
                    yield Diagnostic.warning(
                        Span(start, end),
                        MESSAGE.format(kind=kind),
                        path=file.path,
                        fix=Fix.replace(
                            node.span, 'secret("API_KEY")', "Read it from the secrets file", Safety.UNSAFE
                        ),
                    )
