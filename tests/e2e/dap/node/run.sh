#!/usr/bin/env bash
# The second DAP client: `npm ci`, then Microsoft's DebugClient under node's test runner against the
# real nexa-dap. Run from anywhere; NEXA_PYTHON picks the Python whose bin/ holds nexa-dap (default:
# the repository's .venv). Called by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export NEXA_PYTHON="${NEXA_PYTHON:-$(cd ../../../.. && pwd)/.venv/bin/python}"
if [[ ! -x "$NEXA_PYTHON" ]]; then
    echo "error: $NEXA_PYTHON is not a Python with nexa-dap installed (set NEXA_PYTHON)" >&2
    exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
node --test --test-concurrency=1 dap.test.js
