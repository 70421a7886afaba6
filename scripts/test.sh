#!/usr/bin/env bash
# Runs the whole suite. PostgreSQL when reachable (required with CI=true), else SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  if .venv/bin/python - <<'PY' 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
PY
  then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/regimes"
  elif [ "${CI:-}" = "true" ]; then
    echo "CI=true requires PostgreSQL: nothing answered at 127.0.0.1:5432 and DATABASE_URL is unset." >&2
    exit 1
  else
    echo "NOTE: no PostgreSQL at 127.0.0.1:5432 and DATABASE_URL is unset."
    echo "      Running on SQLite; PostgreSQL-only tests are skipped with that reason."
  fi
fi
echo "Database: ${DATABASE_URL:-SQLite (in-memory test database)}"
# The interpreter may keep the compiled modules: each worker and every server a test
# starts then imports them instead of compiling the project again.
unset PYTHONDONTWRITEBYTECODE
# Both cores by default (PYTEST_WORKERS=0 runs in one process, for debugging). A worker
# that runs out of tests takes some from the other's queue ("worksteal"): without it one
# worker could be left alone with the queue's long tail of slow tests.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist worksteal "$@"
