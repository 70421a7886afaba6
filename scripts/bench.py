"""`make bench`: production configuration on loopback, measured as ratios in one run.

Starts gunicorn (DEBUG off, PostgreSQL, static files collected, Redis when it answers)
on 127.0.0.1, drives it with wrk, and prints a table plus .bench/results.json:
throughput, latency and gunicorn worker CPU per request for each page (with targets),
the static-file reference, queries per request,
bytes over the wire, GIFT-parser and lab timings, the exam burst (students signed in,
then a second one where they sign in first), and a live classroom session.
BENCH_DB, BENCH_PORT and BENCH_REDIS_URL keep two benches on one machine apart. `scripts/bench.py live` runs the live session alone;
`scripts/bench.py pages [NAME …]` only the page table, for the pages named (all by default).
BENCH_ROUNDS (default 3): how many times, in turn, each page of the table is measured.
Every process it starts is stopped at the end.
"""

import gzip
import json
import os
import re
import shutil
import signal
import statistics
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
DB_NAME = os.environ.get("BENCH_DB", "regimes_bench")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DURATION = os.environ.get("BENCH_DURATION", "5s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "300"))
LIVE_STUDENTS = int(os.environ.get("BENCH_LIVE_STUDENTS", "300"))
LIVE_ROUNDS = int(os.environ.get("BENCH_LIVE_ROUNDS", "10"))
LIVE_POLL_S = 2.0  # as the page's hx-trigger="every 2s"
LIVE_THINK_S = (0.5, 4.0)  # how long a student takes to choose once a round opens
OUT = ROOT / ".bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
WORKERS = os.environ.get("BENCH_WORKERS", "")  # default: config/gunicorn.conf.py's

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
            "--config",
            "config/gunicorn.conf.py",
            "--bind",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env={**ENV, **({"WEB_CONCURRENCY": WORKERS} if WORKERS else {})},
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/", timeout=1)
            SERVER["pid"] = process.pid
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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: every process whose parent is the master."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = process_stat(int(entry.name))
            if stat is not None and int(stat[1]) == master:
                pids.append(int(entry.name))
    return pids


def process_stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat from the field after the command (state, ppid, … utime, stime …),
    or None for a process that has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds each process has used so far (utime + stime)."""
    used = {}
    for pid in pids:
        stat = process_stat(pid)
        if stat is not None:
            used[pid] = (int(stat[11]) + int(stat[12])) / CLOCK_TICKS
    return used


def cpu_per_request(before: dict[int, float], after: dict[int, float], requests: int) -> float:
    """Milliseconds of worker CPU per request served between two `cpu_seconds` samples; a
    worker that appeared in between counts from zero, one that went away counts nothing
    more (its last CPU is unknown)."""
    spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return spent * 1000 / requests if requests else float("nan")


SERVER: dict = {}  # "pid": the gunicorn master wrk measures against


def worker_cpu() -> float:
    """CPU seconds the running server's workers have used so far."""
    return sum(cpu_seconds(worker_pids(SERVER["pid"])).values())


def wrk(path: str, **env: str) -> dict:
    master = SERVER.get("pid")
    before = cpu_seconds(worker_pids(master)) if master else {}
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
    row = json.loads(match.group(1))
    if master:
        after = cpu_seconds(worker_pids(master))
        row["cpu_ms"] = cpu_per_request(before, after, row["requests"])
    return row


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


def prepare_bench(students: int) -> dict:
    """A fresh bench database with the content, static files collected, the bench's own
    Redis database emptied (copies keyed by ids the new rows reuse), and `students`."""
    OUT.mkdir(exist_ok=True)
    if redis_answers():
        ENV["REDIS_URL"] = REDIS_URL
    print(f"Preparing: database {DB_NAME}, static files, content …", flush=True)
    reset_database()
    manage("migrate", "--noinput", "-v0")
    manage("load_content")
    manage("collectstatic", "--noinput", "-v0")
    django_setup()
    from django.core.cache import cache

    from scripts.bench_setup import prepare

    cache.clear()
    return prepare(ROOT, students)


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does this)")
    fixtures = prepare_bench(STUDENTS)
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


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def page_table(fixtures: dict) -> tuple[dict, dict]:
    """The static reference and every page, each measured ROUNDS times, in turn: a slow
    spell of a shared machine (its speed has been seen to halve for a minute) then lands
    on one round of every page instead of on every round of one page. A page keeps its
    round of median CPU per request, with the CPU of every round beside it, and its ratio
    is the median of its rounds' ratios to the reference measured just before them."""
    pages = fixtures["pages"]
    # Warm every page once (caches, connections) before timing anything.
    for path in [p for p, _ in pages.values()] + [fixtures["static_reference"]]:
        urllib.request.urlopen(BASE + path).read()
    references, runs = [], {name: [] for name in pages}
    for _ in range(ROUNDS):
        references.append(wrk(fixtures["static_reference"]))
        for name, (path, env) in pages.items():
            speed = machine_speed()
            row = wrk(path, **env)
            row |= {"path": path, "reference_rps": references[-1]["rps"], "loop_ms": speed}
            runs[name].append(row)
    rows = {}
    for name, rounds in runs.items():
        row = median_of(rounds, lambda run: run.get("cpu_ms", 0.0))
        row["ratio"] = statistics.median_high(run["rps"] / run["reference_rps"] for run in rounds)
        row["cpu_ms_rounds"] = [run.get("cpu_ms") for run in rounds]
        row["loop_ms_rounds"] = [run["loop_ms"] for run in rounds]
        rows[name] = row
    return median_of(references, lambda run: run["rps"]), rows


def machine_speed() -> float:
    """Milliseconds of CPU that a fixed piece of Python (a million additions) takes now.
    On a shared virtual machine this has been seen to double from one minute to the next,
    and the CPU per request of every page with it: printed beside each round's CPU, it
    tells a slower page from a slower machine."""
    began = time.process_time()
    total = 0
    for number in range(1_000_000):
        total += number
    return (time.process_time() - began) * 1000


def median_of(runs: list[dict], key) -> dict:
    """The run whose `key` is the median (the upper one of an even number)."""
    return dict(sorted(runs, key=key)[len(runs) // 2])


def run_measurements(fixtures: dict) -> dict:
    from scripts.bench_setup import (
        exam_burst,
        exam_burst_with_sign_in,
        in_process_timings,
        query_counts,
        sign_ins,
    )

    pages = fixtures["pages"]
    reference, rows = page_table(fixtures)
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
        "exam_burst": exam_burst(BASE, fixtures, cpu=worker_cpu),
        "exam_burst_sign_in": exam_burst_with_sign_in(BASE, fixtures, cpu=worker_cpu),
        "live_session": live_session(BASE),
    }


def live_session(base: str) -> dict:
    """A live classroom game over HTTP: LIVE_STUDENTS students (each a thread with its own
    connection) join with the code, then play LIVE_ROUNDS rounds, polling every 2 s as the
    page does and choosing after a think time; the instructor opens the block over HTTP.
    The database then says whether every move counted exactly once and how long each round
    took to resolve after its last move."""
    import random as random_module
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from django.contrib.auth.models import User

    from apps.core.roles import Role, grant_role
    from apps.lab import services
    from apps.lab.models import LiveMove, LiveRound, LiveSession
    from scripts.bench_setup import _percentiles, _session_cookie

    User.objects.filter(username__startswith="bench-live-").delete()
    User.objects.bulk_create(
        User(username=f"bench-live-{i:03d}") for i in range(LIVE_STUDENTS)
    )  # fmt: skip
    students = list(User.objects.filter(username__startswith="bench-live-").order_by("pk"))
    teacher, _ = User.objects.get_or_create(username="bench-live-teacher")
    grant_role(teacher, Role.INSTRUCTOR)
    session = services.create_session(teacher)
    # No random end (the bench plays a fixed number of rounds) and a timer long enough
    # that a slow server, not the deadline, would show.
    LiveSession.objects.filter(pk=session.pk).update(continuation=1, round_seconds=120)
    code = session.code
    cookies = {user.pk: _session_cookie(user) for user in [*students, teacher]}
    rng = random_module.Random(11)
    plan = {u.pk: [rng.choice("CD") for _ in range(LIVE_ROUNDS)] for u in students}
    think = {u.pk: [rng.uniform(*LIVE_THINK_S) for _ in range(LIVE_ROUNDS)] for u in students}
    round_re = re.compile(r'name="round" value="(\d+)"')
    seen_re = re.compile(r'"seen": "([^"]+)"')
    errors: list[str] = []
    polls = [0]
    lock = threading.Lock()
    joined = threading.Barrier(LIVE_STUDENTS + 1)

    retried = [0]

    def checked(send) -> httpx.Response:
        for attempt in range(3):
            try:
                response = send()
                break
            except httpx.TransportError:
                # gunicorn closes a kept-alive connection idle for 2 s, just as the next poll
                # reuses it; a browser (and htmx's next poll) simply tries again. Polls and
                # moves (which name their round) are safe to repeat.
                if attempt == 2:
                    raise
                with lock:
                    retried[0] += 1
        if response.status_code >= 400:
            with lock:
                errors.append(f"{response.request.method} {response.status_code}")
        return response

    def student(user) -> None:
        with httpx.Client(
            base_url=base, cookies={"sessionid": cookies[user.pk]}, timeout=30
        ) as http:
            checked(lambda: http.get("/lab/live/"))
            csrf = {"X-CSRFToken": http.cookies["csrftoken"]}
            checked(lambda: http.post("/lab/live/", data={"code": code}, headers=csrf))
            joined.wait(timeout=300)
            state, played = "", 0
            htmx = {**csrf, "HX-Request": "true"}
            while played < LIVE_ROUNDS:
                response = checked(
                    lambda seen=state: http.get(
                        f"/lab/live/{code}/", params={"seen": seen}, headers=htmx
                    )
                )
                with lock:
                    polls[0] += 1
                if response.status_code == 200:
                    state = (seen_re.search(response.text) or [None, state])[1]
                    found = round_re.search(response.text)
                    if found and int(found[1]) == played + 1:
                        time.sleep(think[user.pk][played])
                        move = plan[user.pk][played]
                        checked(
                            lambda number=played + 1, move=move: http.post(
                                f"/lab/live/{code}/move/",
                                data={"round": number, "move": move},
                                headers=htmx,
                            )
                        )
                        played += 1
                        continue
                time.sleep(LIVE_POLL_S)

    def guarded(user) -> None:
        try:
            student(user)
        except Exception as exc:  # noqa: BLE001 - a failed student is counted, not fatal
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=LIVE_STUDENTS) as pool:
        futures = [pool.submit(guarded, user) for user in students]
        try:
            joined.wait(timeout=300)  # everyone seated, so pairs are made of all of them
        except threading.BrokenBarrierError:
            errors.append("not every student joined")
        with httpx.Client(base_url=base, cookies={"sessionid": cookies[teacher.pk]}) as http:
            http.get(f"/lab/live/{code}/run/")
            checked(
                lambda: http.post(
                    f"/lab/live/{code}/start/", headers={"X-CSRFToken": http.cookies["csrftoken"]}
                )
            )
        for future in futures:
            future.result()
    seconds = time.perf_counter() - began

    rounds = list(LiveRound.objects.filter(session__code=code, number__lte=LIVE_ROUNDS))
    moves = LiveMove.objects.filter(round__in=rounds, seat__bot="")
    kept = {(m.seat.student_id, m.round.number): m for m in moves.select_related("seat", "round")}
    lost = sum(
        (user.pk, n + 1) not in kept
        or kept[user.pk, n + 1].intended != plan[user.pk][n]
        or bool(kept[user.pk, n + 1].by_strategy)
        for user in students
        for n in range(LIVE_ROUNDS)
    )
    lags = [
        (r.resolved - r.last_move).total_seconds() * 1000
        for r in rounds
        if r.resolved and r.last_move
    ]
    return {
        "students": LIVE_STUDENTS,
        "rounds": LIVE_ROUNDS,
        "resolved_rounds": sum(1 for r in rounds if r.resolved),
        "errors": len(errors),
        "error_samples": errors[:5],
        "lost_or_double_moves": lost + max(0, moves.count() - LIVE_STUDENTS * LIVE_ROUNDS),
        "resolution_after_last_move": _percentiles(lags),
        "polls": polls[0],
        "retried": retried[0],
        "polls_per_s": polls[0] / seconds,
        "seconds": seconds,
    }


def print_live_session(live: dict) -> None:
    lag = live["resolution_after_last_move"]
    clean = (
        live["errors"] == 0
        and live["lost_or_double_moves"] == 0
        and live["resolved_rounds"] == live["rounds"]
    )
    print(
        f"\nLive session: {live['students']} students ({live['students'] // 2} pairs), "
        f"{live['rounds']} rounds over HTTP, polling every {LIVE_POLL_S:.0f} s, choosing after "
        f"{LIVE_THINK_S[0]:g}-{LIVE_THINK_S[1]:g} s"
    )
    print(
        f"  errors {live['errors']}, lost or double-counted moves {live['lost_or_double_moves']}, "
        f"rounds resolved {live['resolved_rounds']}/{live['rounds']} ({verdict(clean)})"
    )
    print(
        f"  round resolved after its last move: p50 {lag['p50_ms']:.0f} ms, "
        f"p95 {lag['p95_ms']:.0f} ms (<1000 {verdict(lag['p95_ms'] < 1000)})"
    )
    print(
        f"  update traffic: {live['polls']} polls, {live['polls_per_s']:.0f} requests/s; "
        f"requests resent after a dropped connection {live['retried']}; "
        f"wall time {live['seconds']:.1f} s"
    )


# Per page: (least ratio to the static reference, most worker CPU ms per request).
TARGETS = {
    "lesson": (0.50, None),
    "case": (0.50, None),
    "compare": (0.50, None),
    "quiz question": (0.20, 5.0),
    "answer save (POST)": (0.25, 4.0),
    "quiz submit (POST)": (0.20, None),
}


def page_targets(name: str, ratio: float, cpu_ms: float | None, queries) -> list[str]:
    """The PASS/FAIL words for one row of the table."""
    least_ratio, most_cpu = TARGETS.get(name, (None, None))
    targets = []
    if least_ratio is not None:
        targets.append(f"ratio>={least_ratio:.2f} {verdict(ratio >= least_ratio)}")
    if most_cpu is not None and cpu_ms is not None:
        targets.append(f"cpu<={most_cpu:g} {verdict(cpu_ms <= most_cpu)}")
    if isinstance(queries, int):
        targets.append(f"queries<=6 {verdict(queries <= 6)}")
    return targets


def print_pages(results: dict) -> None:
    """The page table: req/s, ratio to the static reference, CPU per request, latency."""
    reference = results["reference"]["rps"]
    print(f"\nStatic reference (same lesson bytes, same server): {reference:.0f} req/s\n")
    header = ("page", "req/s", "ratio", "CPU ms", "p50 ms", "p95 ms", "p99 ms", "errors",
              "queries")  # fmt: skip
    print("{:<24}{:>8}{:>7}{:>8}{:>8}{:>8}{:>8}{:>7}{:>8}  targets".format(*header))
    for name, row in results["pages"].items():
        ratio = row["ratio"]
        queries = results["queries"].get(name, "-")
        cpu_ms = row.get("cpu_ms")
        targets = page_targets(name, ratio, cpu_ms, queries)
        cpu = f"{cpu_ms:>8.2f}" if cpu_ms is not None else f"{'-':>8}"
        values = (row["p50_ms"], row["p95_ms"], row["p99_ms"])
        print(
            f"{name:<24}{row['rps']:>8.0f}{ratio:>7.2f}{cpu}"
            + "{:>8.1f}{:>8.1f}{:>8.1f}".format(*values)
            + f"{row['errors']:>7}{queries!s:>8}  {' '.join(targets)}"
        )
    print("(CPU ms: gunicorn worker CPU time (utime+stime) during the run / requests served;")
    print(" queries: to render the page, the whole-page cache bypassed; BEGIN/COMMIT count)")
    if ROUNDS > 1:
        print(
            f"Each page: the median of {ROUNDS} rounds taken in turn"
            " (ratio: the median of each round's ratio to the reference measured just before it)."
        )
    for name, row in results["pages"].items():
        if ROUNDS > 1 and TARGETS.get(name, (None, None))[1] is not None:
            values, loops = row["cpu_ms_rounds"], row["loop_ms_rounds"]
            print(
                f"  {name}: CPU ms per round "
                + " / ".join(f"{v:.2f}" for v in values)
                + "  (the machine meanwhile: a million additions took "
                + " / ".join(f"{v:.0f}" for v in loops)
                + " ms)"
            )


def print_report(results: dict) -> None:
    print_pages(results)
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
    print_burst(burst, "students already signed in")
    print_burst(results["exam_burst_sign_in"], "each signs in through the log-in form first")
    ceiling = burst["saturation"]
    print(
        f"Saturation: {ceiling['students']} students with no pause at all: "
        f"{ceiling['requests_per_s']:.0f} requests/s, errors {ceiling['errors']}; "
        f"page p95 {ceiling['page']['p95_ms']:.0f} ms, "
        f"save p50 {ceiling['save']['p50_ms']:.0f} / p95 {ceiling['save']['p95_ms']:.0f} ms, "
        f"submit p95 {ceiling['submit']['p95_ms']:.0f} ms"
    )
    print_live_session(results["live_session"])


BURST_P95_MS = {"sign_in": None, "start": 1000, "page": None, "save": 150, "submit": 300}


def print_burst(burst: dict, who: str) -> None:
    clean = burst["errors"] == 0 and burst["lost_answers"] == 0
    complete = burst["submitted"] == burst["students"]
    think = burst["model"]["think_s"]
    print(
        f"\nExam burst ({who}): {burst['students']} students open the quiz within "
        f"{burst['model']['arrival_s']:.0f} s, answer {burst['questions']} questions at "
        f"{think[0]:.0f}-{think[1]:.0f} s each (page, then autosave), then submit"
    )
    print(
        f"  errors {burst['errors']}, lost answers {burst['lost_answers']}, submitted attempts "
        f"in the database {burst['submitted']} ({verdict(clean and complete)}); "
        f"requests resent after a dropped connection {burst['retried']}"
    )
    if burst["errors"]:
        print(f"  first errors: {burst['error_samples']}")
    for step, target in BURST_P95_MS.items():
        s = burst[step]
        if not s["count"]:
            continue
        line = f"  {step:<8}p50 {s['p50_ms']:.0f} ms  p95 {s['p95_ms']:.0f} ms"
        line += f"  p99 {s['p99_ms']:.0f} ms"
        if target is not None:
            line += f"  (p95<{target} {verdict(s['p95_ms'] < target)})"
        elif step == "sign_in":
            line += "  (Argon2id: see the password hash costs above)"
        print(line)
    print(f"  wall time {burst['seconds']:.1f} s", end="")
    if burst.get("cpu_s") is not None:
        requests = sum(burst[step]["count"] for step in BURST_P95_MS)
        print(
            f"; app CPU {burst['cpu_s']:.1f} s: {burst['cpu_s'] * 1000 / burst['students']:.0f} ms "
            f"per student's whole exam, {burst['cpu_s'] * 1000 / max(1, requests):.1f} ms per "
            f"request ({requests} timed requests)",
            end="",
        )
    print()


def main_pages_only(names: list[str]) -> None:
    """`scripts/bench.py pages [NAME …]`: the page table alone, for the pages named (every
    page by default), on a fresh bench database with two students: a quick run that the
    bench still works, and the CPU per request of a page one is changing."""
    from scripts.bench_setup import query_counts

    fixtures = prepare_bench(2)
    unknown = set(names) - set(fixtures["pages"])
    if unknown:
        sys.exit(
            f"No such page: {', '.join(sorted(unknown))}; pages: {', '.join(fixtures['pages'])}"
        )
    fixtures["pages"] = {n: p for n, p in fixtures["pages"].items() if not names or n in names}
    server = start_server()
    try:
        reference, rows = page_table(fixtures)
        results = {"reference": reference, "pages": rows}
        results["queries"] = query_counts(fixtures)
    finally:
        stop(server)
    (OUT / "pages.json").write_text(json.dumps(results, indent=2))
    print_pages(results)


def main_live_only() -> None:
    """`scripts/bench.py live`: only the live session, on a fresh bench database."""
    OUT.mkdir(exist_ok=True)
    if redis_answers():
        ENV["REDIS_URL"] = REDIS_URL
    print(f"Preparing: database {DB_NAME}, static files …", flush=True)
    reset_database()
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    django_setup()
    server = start_server()
    try:
        live = live_session(BASE)
    finally:
        stop(server)
    (OUT / "live.json").write_text(json.dumps(live, indent=2))
    print_live_session(live)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:] == ["live"]:
        main_live_only()
    elif sys.argv[1:2] == ["pages"]:
        main_pages_only(sys.argv[2:])
    else:
        main()
