"""`make bench`: production configuration on loopback, measured as ratios in one run.

Starts gunicorn (DEBUG off, PostgreSQL, static files collected, Redis when it answers)
on 127.0.0.1, drives it with wrk, and prints a table plus .bench/results.json:
throughput and latency per page, the static-file reference, queries per request,
bytes over the wire, GIFT-parser and lab timings, and the exam burst.
Every process it starts is stopped at the end.
"""

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://{HOST}:{PORT}"
DB_NAME = "regimes_bench"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DURATION = os.environ.get("BENCH_DURATION", "5s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "300"))
OUT = ROOT / ".bench"

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-" + "k" * 40,
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "DJANGO_CONN_MAX_AGE": "600",
}


def redis_answers() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def manage(*args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def reset_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def django_setup() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def start_server() -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            os.environ.get("BENCH_WORKERS", "4"),
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    sys.exit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def wrk(path: str, **env: str) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "--timeout",
            "5s",
            "-s",
            str(ROOT / "scripts" / "bench" / "report.lua"),
            BASE + path,
        ],  # fmt: skip
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    match = re.search(r"WRK_JSON (\{.*\})", result.stdout)
    if not match:
        sys.exit(f"wrk failed for {path}:\n{result.stdout}\n{result.stderr}")
    return json.loads(match.group(1))


def wire_bytes(path: str, headers: dict | None = None) -> int:
    request = urllib.request.Request(
        BASE + path, headers={"Accept-Encoding": "gzip", **(headers or {})}
    )
    with urllib.request.urlopen(request) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            return len(body)
        return len(gzip.compress(body))  # what a compressing proxy would send


# One password check, in a fresh interpreter per hasher so that its peak memory shows:
# the hasher's library is loaded first, then one hash raises the peak, then ten checks
# are timed on the CPU clock.
HASH_PROBE = """
import importlib, json, resource, sys, time
import django
from django.conf import settings
settings.configure(PASSWORD_HASHERS=[sys.argv[1]])
django.setup()
from django.contrib.auth.hashers import get_hasher
hasher = get_hasher()
if hasher.library:
    importlib.import_module(hasher.library if isinstance(hasher.library, str) else hasher.library[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
encoded = hasher.encode("bench-password", hasher.salt())
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
start = time.process_time()
for _ in range(10):
    assert hasher.verify("bench-password", encoded)
cpu_ms = (time.process_time() - start) * 100
print(json.dumps({"cpu_ms": cpu_ms, "peak_mib": peak_kib / 1024, "summary": hasher.safe_summary(encoded)}))
"""
HASHERS = {
    "argon2id": "apps.core.hashers.Argon2idHasher",
    "pbkdf2 (before)": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}
SIGN_IN_CPU_TARGET_MS = 100  # a fifth of a core-second per sign-in at most
SIGN_IN_MEMORY_TARGET_MIB = 64  # per sign-in in flight; 8 threads stay under 0.5 GB


def password_hash_costs() -> dict:
    costs = {}
    for name, path in HASHERS.items():
        result = subprocess.run(
            [PYTHON, "-c", HASH_PROBE, path], cwd=ROOT, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        costs[name] = json.loads(result.stdout)
    return costs


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does this)")
    OUT.mkdir(exist_ok=True)
    if redis_answers():
        ENV["REDIS_URL"] = "redis://127.0.0.1:6379/3"
    print(f"Preparing: database {DB_NAME}, static files, content …", flush=True)
    reset_database()
    manage("migrate", "--noinput", "-v0")
    manage("load_content")
    manage("collectstatic", "--noinput", "-v0")

    django_setup()
    from scripts.bench_setup import prepare

    fixtures = prepare(ROOT, STUDENTS)
    results: dict = {"config": {"duration": DURATION, "connections": CONNECTIONS,
                                "redis": "REDIS_URL" in ENV, "students": STUDENTS}}  # fmt: skip
    server = start_server()
    try:
        results.update(run_measurements(fixtures))
    finally:
        stop(server)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print_report(results)
    print(f"\nResults written to {OUT / 'results.json'}")


def run_measurements(fixtures: dict) -> dict:
    from scripts.bench_setup import exam_burst, in_process_timings, query_counts, sign_ins

    pages = fixtures["pages"]
    # Warm every page once (caches, connections) before timing anything.
    for path in [p for p, _ in pages.values()] + [fixtures["static_reference"]]:
        urllib.request.urlopen(BASE + path).read()
    reference = wrk(fixtures["static_reference"])
    rows = {}
    for name, (path, env) in pages.items():
        rows[name] = wrk(path, **env)
        rows[name]["path"] = path
    weights = {
        "lesson_first_view_total": sum(
            wire_bytes(p) for p in [pages["lesson"][0], *fixtures["lesson_assets"]]
        ),
        "lesson_first_view_js": sum(
            wire_bytes(p) for p in fixtures["lesson_assets"] if p.endswith(".js")
        ),
        "partials": {
            name: wire_bytes(path, {"HX-Request": "true", "HX-Target": target})
            for name, (path, target) in fixtures["partials"].items()
        },  # fmt: skip
    }
    return {
        "reference": reference,
        "pages": rows,
        "queries": query_counts(fixtures),
        "weights": weights,
        "timings": in_process_timings(),
        "sign_in": sign_ins(BASE),
        "password_hash": password_hash_costs(),
        "exam_burst": exam_burst(BASE, fixtures),
    }


RATIO_TARGET = {"lesson", "case", "compare"}


def print_report(results: dict) -> None:
    reference = results["reference"]["rps"]
    print(f"\nStatic reference (same lesson bytes, same server): {reference:.0f} req/s\n")
    header = ("page", "req/s", "ratio", "p50 ms", "p95 ms", "p99 ms", "errors", "queries")
    print("{:<24}{:>8}{:>7}{:>8}{:>8}{:>8}{:>7}{:>8}  targets".format(*header))
    for name, row in results["pages"].items():
        ratio = row["rps"] / reference
        queries = results["queries"].get(name, "-")
        targets = []
        if name in RATIO_TARGET:
            targets.append(f"ratio>=0.50 {verdict(ratio >= 0.5)}")
        if isinstance(queries, int):
            targets.append(f"queries<=6 {verdict(queries <= 6)}")
        values = (name, row["rps"], ratio, row["p50_ms"], row["p95_ms"], row["p99_ms"])
        print(
            "{:<24}{:>8.0f}{:>7.2f}{:>8.1f}{:>8.1f}{:>8.1f}".format(*values)
            + f"{row['errors']:>7}{queries!s:>8}  {' '.join(targets)}"
        )
    print("(queries: to render the page, the whole-page cache bypassed; BEGIN/COMMIT count)")
    weights = results["weights"]
    total = weights["lesson_first_view_total"] / 1024
    js = weights["lesson_first_view_js"] / 1024
    print(
        f"\nLesson first view, compressed: {total:.1f} KB (<=60 {verdict(total <= 60)}), "
        f"JavaScript {js:.1f} KB (<=20 {verdict(js <= 20)})"
    )
    for name, size in weights["partials"].items():
        print(f"  htmx partial {name}: {size / 1024:.1f} KB (<=10 {verdict(size <= 10 * 1024)})")
    print("\nIn-process timings:")
    for name, value in results["timings"].items():
        target = f"  (<=10 ms {verdict(value <= 10)})" if name.startswith("Wildcard") else ""
        print(f"  {name}: {value:.3f} ms{target}")
    sign_in = results["sign_in"]
    print(
        f"\nSign-in ({sign_in['count']} students, one at a time): p50 {sign_in['p50_ms']:.0f} ms, "
        f"p95 {sign_in['p95_ms']:.0f} ms (a deliberately slow password hash; the exam's "
        "students below signed in beforehand)"
    )
    for name, cost in results["password_hash"].items():
        summary = cost["summary"]
        params = ", ".join(f"{k} {v}" for k, v in summary.items() if k not in ("salt", "hash"))
        line = f"  {name}: CPU {cost['cpu_ms']:.0f} ms, peak memory +{cost['peak_mib']:.1f} MiB"
        if name == "argon2id":
            cpu_ok = cost["cpu_ms"] <= SIGN_IN_CPU_TARGET_MS
            memory_ok = cost["peak_mib"] <= SIGN_IN_MEMORY_TARGET_MIB
            line += (
                f" (CPU<={SIGN_IN_CPU_TARGET_MS} {verdict(cpu_ok)}, "
                f"memory<={SIGN_IN_MEMORY_TARGET_MIB} {verdict(memory_ok)})"
            )
        print(f"{line}  [{params}]")
    burst = results["exam_burst"]
    clean = burst["errors"] == 0 and burst["lost_answers"] == 0
    complete = burst["submitted"] == burst["students"]
    think = burst["model"]["think_s"]
    print(
        f"\nExam burst: {burst['students']} students open the quiz within "
        f"{burst['model']['arrival_s']:.0f} s, answer {burst['questions']} questions at "
        f"{think[0]:.0f}-{think[1]:.0f} s each (page, then autosave), then submit"
    )
    print(
        f"  errors {burst['errors']}, lost answers {burst['lost_answers']}, submitted attempts "
        f"in the database {burst['submitted']} ({verdict(clean and complete)}); "
        f"requests resent after a dropped connection {burst['retried']}"
    )
    for step in ("start", "page", "save", "submit"):
        s = burst[step]
        line = f"  {step:<7} p50 {s['p50_ms']:.0f} ms  p95 {s['p95_ms']:.0f} ms"
        line += f"  p99 {s['p99_ms']:.0f} ms"
        if step in ("save", "submit"):
            line += f"  (p95<150 {verdict(s['p95_ms'] < 150)})"
        print(line)
    print(f"  wall time {burst['seconds']:.1f} s")
    ceiling = burst["saturation"]
    print(
        f"Saturation: {ceiling['students']} students with no pause at all: "
        f"{ceiling['requests_per_s']:.0f} requests/s, errors {ceiling['errors']}; "
        f"page p95 {ceiling['page']['p95_ms']:.0f} ms, "
        f"save p50 {ceiling['save']['p50_ms']:.0f} / p95 {ceiling['save']['p95_ms']:.0f} ms, "
        f"submit p95 {ceiling['submit']['p95_ms']:.0f} ms"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
