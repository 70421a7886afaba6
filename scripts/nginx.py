"""nginx in front of gunicorn, as production runs it (docs/deploy.md), for `make serve`
and the slow-client test.

nginx reads whole requests before passing them on and takes whole responses off gunicorn
at once, so a slow or stalled client holds only one of nginx's cheap connections, never
one of gunicorn's few threads. It also serves /static/ from disk.

    python scripts/nginx.py RUN_DIR HOST PORT UPSTREAM_PORT

writes RUN_DIR/nginx.conf and runs nginx in the foreground (`daemon off`) with its pid
file, temp files and logs all under RUN_DIR: no system path, no root-only file.
"""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def config(run_dir: Path, host: str, port: int, upstream_port: int) -> str:
    static_root = ROOT / "staticfiles"
    return f"""
worker_processes 1;
daemon off;
pid {run_dir}/nginx.pid;
error_log {run_dir}/error.log warn;
events {{ worker_connections 1024; }}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {run_dir}/access.log;
    client_body_temp_path {run_dir}/client_body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;
    server_tokens off;
    sendfile on;

    # A client gets 10 s to send its headers, and 10 s between two reads or writes of
    # the body or the response; an idle kept-alive connection is closed after 15 s.
    client_header_timeout 10s;
    client_body_timeout 10s;
    send_timeout 10s;
    keepalive_timeout 15s;
    client_max_body_size 1m;  # the app's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE)

    upstream regimes {{
        server 127.0.0.1:{upstream_port};
        keepalive 16;
        keepalive_timeout 4s;  # below gunicorn's keepalive (5 s): nginx lets go first
    }}

    server {{
        listen {host}:{port};

        location /static/ {{
            alias {static_root}/;
            gzip_static on;
            # collectstatic's names change with their content: keep them a year.
            add_header Cache-Control "public, max-age=31536000, immutable";
            add_header Permissions-Policy "{PERMISSIONS_POLICY}";
            add_header X-Content-Type-Options nosniff;
        }}

        location / {{
            proxy_pass http://regimes;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # The app believes only the last hop (DJANGO_BEHIND_PROXY): the address we saw.
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_request_buffering on;
            proxy_buffering on;
            proxy_buffers 32 16k;
            proxy_connect_timeout 5s;
            proxy_read_timeout 60s;
            proxy_send_timeout 60s;
        }}
    }}
}}
"""


def write_config(run_dir: Path, host: str, port: int, upstream_port: int) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # started as root, nginx's workers run as nobody
    path = run_dir / "nginx.conf"
    path.write_text(config(run_dir.resolve(), host, port, upstream_port))
    return path


def command(conf: Path) -> list[str]:
    return [NGINX, "-p", str(conf.parent), "-c", str(conf), "-e", str(conf.parent / "error.log")]


if __name__ == "__main__":
    run_dir, host, port, upstream_port = sys.argv[1:5]
    conf = write_config(Path(run_dir), host, int(port), int(upstream_port))
    os.execv(NGINX, command(conf))  # noqa: S606 - nginx takes over this process
