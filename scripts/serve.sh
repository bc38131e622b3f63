#!/usr/bin/env bash
# Runs eduboard for `make demo`: a task worker (imports, report files, e-mails) beside the web server.
# Ctrl+C stops both. Production runs them as two services instead (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
"$PY" manage.py worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Starting eduboard on http://127.0.0.1:8000/ with a task worker (Ctrl+C stops both)."
"$PY" manage.py runserver "${EDUBOARD_ADDRESS:-127.0.0.1:8000}"
