#!/usr/bin/env bash
# Production settings on loopback: gunicorn, DEBUG off, static files collected.
# TLS belongs to the reverse proxy in front (docs/deploy.md), so redirects and
# secure-only cookies are off here unless the caller sets them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-0}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-0}"
export DJANGO_HSTS_SECONDS="${DJANGO_HSTS_SECONDS:-0}"
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_content
exec .venv/bin/gunicorn config.wsgi:application \
  --bind "${HOST:-127.0.0.1}:${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-3}" --threads "${GUNICORN_THREADS:-2}" \
  --access-logfile - --timeout 30
