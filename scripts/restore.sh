#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh:  scripts/restore.sh [--replace] [FILE]
#
# FILE defaults to the newest backup in $BACKUP_DIR (default backups/). The target is
# DATABASE_URL (PostgreSQL; the database is created when it does not exist) or, without
# it, db.sqlite3. A target that already holds data is replaced only with --replace.
# PostgreSQL restores in one transaction: if anything fails, nothing changes.
set -euo pipefail
cd "$(dirname "$0")/.."

replace=0
if [ "${1:-}" = "--replace" ]; then replace=1; shift; fi
dir="${BACKUP_DIR:-backups}"
url="${DATABASE_URL:-}"

case "$url" in
  postgres://* | postgresql://*) pattern="*.dump" ;;
  "" | sqlite://*) pattern="*.sqlite3" ;;
  *) echo "restore: DATABASE_URL must be postgres://… or sqlite://…" >&2; exit 2 ;;
esac
file="${1:-$(ls -t "$dir"/$pattern 2>/dev/null | head -n 1 || true)}"
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "restore: no backup file${file:+ '$file'} (make one with: make backup)" >&2
  exit 2
fi

refuse() {
  echo "restore: $1 already holds data; run again with --replace (make restore REPLACE=1) to overwrite it." >&2
  exit 3
}

case "$url" in
  postgres://* | postgresql://*)
    name="${url##*/}"
    name="${name%%\?*}"
    base="${url%/*}"
    query=""
    case "$url" in *\?*) query="?${url#*\?}" ;; esac
    maintenance="$base/postgres$query"
    exists="$(psql "$maintenance" -XAtc "SELECT 1 FROM pg_database WHERE datname = '${name//\'/\'\'}'")"
    if [ "$exists" != "1" ]; then
      psql "$maintenance" -Xqc "CREATE DATABASE \"${name//\"/\"\"}\""
    elif [ "$replace" != 1 ]; then
      tables="$(psql "$url" -XAtc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
      [ "$tables" = "0" ] || refuse "database '$name'"
    fi
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
      --exit-on-error --dbname="$url" "$file"
    ;;
  *)
    target="${url#sqlite://}"
    target="${target#/}"  # sqlite:////abs/path is /abs/path; sqlite:///rel is rel
    target="${target:-db.sqlite3}"
    if [ -s "$target" ] && [ "$replace" != 1 ]; then refuse "$target"; fi
    .venv/bin/python - "$file" "$target" <<'PY'
import sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
    src.backup(dst)
PY
    ;;
esac
# Cached pages and question versions are keyed by ids the restored rows may now reuse for
# other content: start the cache afresh (a no-op without REDIS_URL, where it lives in
# the app's own memory).
.venv/bin/python manage.py shell -c "from django.core.cache import cache; cache.clear()" \
  || echo "Note: the cache could not be cleared; clear Redis by hand if the site uses it." >&2
echo "Restored $file into ${target:-database $name}"
