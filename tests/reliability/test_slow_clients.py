"""Slow clients (slowloris) against the production recipe: nginx in front of gunicorn,
as `make serve` runs them (scripts/nginx.py). Thirty connections trickle their headers
for 20 s while normal requests keep being answered, each within the client's 1 s limit."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from scripts import nginx  # noqa: E402
from tests.conftest import IN_CI  # noqa: E402

pytestmark = pytest.mark.slow_client
SLOW_CONNECTIONS = 30
HOLD_SECONDS = 20


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def wait_until_answering(url: str, processes) -> None:
    for _ in range(100):
        for process in processes:
            assert process.poll() is None, f"{process.args[0]} exited"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} never answered")


@pytest.fixture
def front(django_db_setup, django_db_blocker, tmp_path):
    """gunicorn on the test database behind nginx, both on loopback; stopped at the end."""
    if not Path(nginx.NGINX).exists():
        message = "nginx is not installed (apt-get install nginx; make serve does it)"
        if IN_CI:
            pytest.fail(message + "; CI=true requires the slow-client test to run")
        pytest.skip(message)
    port, upstream = free_port(), free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "slow-client-test-" + "s" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_PROXY": "1",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{db['NAME']}",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{upstream}", "--workers", "2", "--threads", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    run_dir = Path(tempfile.mkdtemp(dir=tmp_path))
    proxy = subprocess.Popen(
        nginx.command(nginx.write_config(run_dir, "127.0.0.1", port, upstream)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/accounts/login/", [app, proxy])
        yield port
    finally:
        for process in (proxy, app):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)


class Slowloris:
    """Holds `count` connections open, each sending one more header line every 2 s and
    never finishing its request; a connection the server closes is opened again."""

    def __init__(self, port: int, count: int):
        self.port, self.count = port, count
        self.stop = threading.Event()
        self.reopened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        sock.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return sock

    def _run(self):
        sockets = [self._open() for _ in range(self.count)]
        while not self.stop.wait(2):
            for i, sock in enumerate(sockets):
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    sock.close()
                    sockets[i] = self._open()
                    self.reopened += 1
        for sock in sockets:
            sock.close()


def test_normal_requests_are_answered_while_thirty_slow_clients_hang_on(front):
    slow = Slowloris(front, SLOW_CONNECTIONS)
    slow.thread.start()
    answered, failed = 0, []
    with httpx.Client(base_url=f"http://127.0.0.1:{front}", timeout=1.0) as client:
        deadline = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < deadline:
            try:
                response = client.get("/accounts/login/")
                assert response.status_code == 200
                answered += 1
            except httpx.TimeoutException as error:
                failed.append(repr(error))
            time.sleep(0.25)
    slow.stop.set()
    slow.thread.join()
    assert failed == []
    assert answered > HOLD_SECONDS  # requests kept flowing the whole time
