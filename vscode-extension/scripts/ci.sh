#!/usr/bin/env bash
# Everything CI checks for the VS Code extension, from a fresh clone: npm ci, typecheck, lint, unit
# tests, the built extension with the real nexa-lsp, the DAG page in headless Chromium, and the .vsix.
# Run from anywhere; exits non-zero on any failure. The last line is "vscode-extension: N passed,
# N failed" over all tests run. Needs ../.venv/bin/nexa-lsp (the Python package installed) and the
# corpus in ../../shared/corpus/upstream; stops at once, saying so, without the server.
#
# The Chromium test needs Debian's chromium at /usr/bin/chromium (or $NEXA_CHROMIUM): without it this
# script still runs the other steps, then reports FAILURE and exits 1 — never a silent skip.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

failed_steps=()
results=.vitest-results
rm -rf "$results" && mkdir -p "$results"

step() {
  local name=$1
  shift
  printf '\n== vscode-extension: %s\n' "$name"
  local started=$SECONDS
  if "$@"; then
    printf '== %s: ok (%ss)\n' "$name" $((SECONDS - started))
  else
    printf '== %s: FAILED (%ss)\n' "$name" $((SECONDS - started))
    failed_steps+=("$name")
  fi
}

# The end-to-end tests start the real language server of the checkout: CI installs the Python package
# (.venv at the repository root) before this script runs.
nexa_lsp=../.venv/bin/nexa-lsp
if [[ ! -x $nexa_lsp ]]; then
  echo "FAILURE: $(cd .. && pwd)/.venv/bin/nexa-lsp is missing: the end-to-end tests need the real server. Install it first: python3 -m venv .venv && .venv/bin/pip install -e ." >&2
  exit 1
fi

step "npm ci" npm ci --no-audit --no-fund
if [[ ${#failed_steps[@]} -gt 0 ]]; then
  echo "FAILURE: npm ci failed; nothing else can run"
  exit 1
fi
step "typecheck" npm run --silent typecheck
step "lint" npm run --silent lint
step "unit tests" npx vitest run --config vitest.config.mts --reporter=default --reporter=json --outputFile.json="$results/unit.json"
step "build" npm run --silent build
step "built extension + nexa-lsp (and a stand-in server)" npx vitest run --config vitest.bundle.config.mts --reporter=default --reporter=json --outputFile.json="$results/bundle.json"

chromium=${NEXA_CHROMIUM:-/usr/bin/chromium}
if [[ -x $chromium ]]; then
  step "DAG page in Chromium" npx vitest run --config vitest.webview.config.mts --reporter=default --reporter=json --outputFile.json="$results/webview.json"
else
  printf '\n== vscode-extension: DAG page in Chromium\n'
  echo "FAILURE: $chromium is missing, so the DAG page test did not run. Install it: apt-get install -y chromium"
  failed_steps+=("DAG page in Chromium (no Chromium)")
fi

step "package (.vsix)" npx vsce package --no-dependencies --skip-license --allow-missing-repository --out dist/nexa.vsix

if [[ ${#failed_steps[@]} -gt 0 ]]; then
  printf '\nFAILURE: vscode-extension steps failed: %s\n' "$(IFS=,; echo "${failed_steps[*]}")"
  status=1
else
  printf '\nvscode-extension: all steps passed\n'
  status=0
fi

# The summary is the last line, in the plain form CI reads.
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0;
  for (const file of fs.readdirSync(process.argv[1])) {
    const report = JSON.parse(fs.readFileSync(`${process.argv[1]}/${file}`, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  console.log(`vscode-extension: ${passed} passed, ${failed} failed`);
' "$results" || status=1
exit $status
