#!/usr/bin/env bash
# Production settings on loopback: nginx in front (buffering slow clients, serving
# /static/), gunicorn behind it, DEBUG off, static files collected. TLS belongs to the
# proxy (docs/deploy.md), so redirects and secure-only cookies are off here unless the
# caller sets them. nginx's config, pid, temp files and logs go to a run dir of our own.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx
fi
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-0}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-0}"
export DJANGO_HSTS_SECONDS="${DJANGO_HSTS_SECONDS:-0}"
export DJANGO_BEHIND_PROXY=1  # nginx appends the client's address to X-Forwarded-For
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
UPSTREAM_PORT="${UPSTREAM_PORT:-$((PORT + 1))}"
RUN_DIR="${RUN_DIR:-$(mktemp -d /tmp/regimes-serve.XXXXXX)}"
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_content

# Workers, threads, keep-alive and the workers' warm-up: config/gunicorn.conf.py
# (WEB_CONCURRENCY and GUNICORN_THREADS override the first two).
.venv/bin/gunicorn config.wsgi:application --config config/gunicorn.conf.py \
  --bind "127.0.0.1:${UPSTREAM_PORT}" --access-logfile - &
gunicorn=$!
.venv/bin/python scripts/nginx.py "$RUN_DIR" "$HOST" "$PORT" "$UPSTREAM_PORT" &
nginx=$!
trap 'kill "$nginx" "$gunicorn" 2>/dev/null; wait' EXIT INT TERM
echo "Serving on http://${HOST}:${PORT}/ (nginx; gunicorn on 127.0.0.1:${UPSTREAM_PORT}; logs in ${RUN_DIR})"
wait -n "$nginx" "$gunicorn"
