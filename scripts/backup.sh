#!/usr/bin/env bash
# Back up the database into $BACKUP_DIR (default backups/) and print the file's path.
#
# PostgreSQL (DATABASE_URL=postgres://…): pg_dump's custom format, compressed, restorable
# with scripts/restore.sh (pg_restore) into the same or a fresh database. The dump is
# taken in one snapshot, so the site can stay up while it runs.
# SQLite (no DATABASE_URL, as `make run` uses): a consistent copy of db.sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${BACKUP_DIR:-backups}"
mkdir -p "$dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
url="${DATABASE_URL:-}"

case "$url" in
  postgres://* | postgresql://*)
    name="${url##*/}"
    name="${name%%\?*}"
    file="$dir/$name-$stamp.dump"
    # Written under a temporary name first: a half-written dump never looks finished.
    pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$url"
    mv "$file.partial" "$file"
    ;;
  "" | sqlite://*)
    source="${url#sqlite://}"
    source="${source#/}"  # sqlite:////abs/path is /abs/path; sqlite:///rel is rel
    source="${source:-db.sqlite3}"
    file="$dir/$(basename "$source" .sqlite3)-$stamp.sqlite3"
    .venv/bin/python - "$source" "$file" <<'PY'
import sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
    src.backup(dst)
PY
    ;;
  *)
    echo "backup: DATABASE_URL must be postgres://… or sqlite://… (got '${url%%:*}://…')" >&2
    exit 2
    ;;
esac
echo "$file"
