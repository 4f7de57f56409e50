"""The part of the build that pyproject.toml cannot say.

1. Compile the tree-sitter parser (grammar-ts/src/parser.c, and src/scanner.c when the grammar has
   one) together with the binding into the extension ``tree_sitter_nexa._binding``. Only a C11
   compiler is needed: src/ is committed, so neither node nor the tree-sitter CLI takes part.
2. Copy grammar-ts/queries/*.scm into the built ``tree_sitter_nexa/queries`` so that a wheel carries
   them (an editable install reads them in place, see ``tree_sitter_nexa.queries_dir``).
"""

import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
GRAMMAR = "grammar-ts"  # setuptools wants source paths relative to this file
PARSER = f"{GRAMMAR}/src/parser.c"
SCANNER = f"{GRAMMAR}/src/scanner.c"
BINDING = f"{GRAMMAR}/bindings/python/tree_sitter_nexa/binding.c"
QUERIES = HERE / GRAMMAR / "queries"


def parser_sources() -> list[str]:
    if not (HERE / PARSER).is_file():
        sys.exit(f"error: {PARSER} is missing; run `tree-sitter generate --abi 14` in {GRAMMAR}/ first")
    sources = [BINDING, PARSER]
    if (HERE / SCANNER).is_file():
        sources.append(SCANNER)
    return sources


def compile_args() -> list[str]:
    if sys.platform == "win32":
        return ["/std:c11", "/utf-8"]
    return ["-std=c11", "-fvisibility=hidden"]


class BuildPyWithQueries(build_py):
    """build_py that also places the grammar's query files inside the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode or not QUERIES.is_dir():
            return
        target = Path(self.build_lib) / "tree_sitter_nexa" / "queries"
        self.mkpath(os.fspath(target))
        for query in sorted(QUERIES.glob("*.scm")):
            self.copy_file(os.fspath(query), os.fspath(target / query.name))


setup(
    ext_modules=[
        Extension(
            name="tree_sitter_nexa._binding",
            sources=parser_sources(),
            include_dirs=[f"{GRAMMAR}/src"],
            extra_compile_args=compile_args(),
            define_macros=[
                ("Py_LIMITED_API", "0x030B0000"),
                ("PY_SSIZE_T_CLEAN", None),
                ("TREE_SITTER_HIDE_SYMBOLS", None),
            ],
            py_limited_api=True,
        )
    ],
    cmdclass={"build_py": BuildPyWithQueries},
    options={"bdist_wheel": {"py_limited_api": "cp311"}},
)
