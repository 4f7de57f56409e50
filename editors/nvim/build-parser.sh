#!/usr/bin/env bash
# Build the Nexa tree-sitter parser as a shared library Neovim can load: editors/nvim/parser/nexa.so.
#
# Neovim looks for parser/<lang>.so on its runtimepath, so adding editors/nvim to the runtimepath makes
# the parser, the queries (queries/nexa/*.scm) and the filetype detection visible at once.
# Usage: editors/nvim/build-parser.sh [output.so]     (CC and CFLAGS are honoured)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/../../grammar-ts/src"
out="${1:-$here/parser/nexa.so}"

mkdir -p "$(dirname "$out")"
# -fPIC -shared: a plain dlopen()-able object exporting tree_sitter_nexa(); c11 for the scanner.
${CC:-cc} ${CFLAGS:--O2} -std=c11 -fPIC -shared -I "$src" \
    -o "$out" "$src/parser.c" "$src/scanner.c"
echo "built $out"
