"""`make bench`'s CPU per request: read from /proc for the gunicorn workers, divided by the
requests wrk saw served, and judged against the targets it prints."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts import bench  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def test_cpu_seconds_grow_with_the_work_a_process_does():
    child = subprocess.Popen(
        [sys.executable, "-c", "import time\nend = time.process_time() + 0.3\n"
         "while time.process_time() < end: pass\nprint('busy', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout.readline() == "busy\n"  # 0.3 s of CPU spent; the child now sleeps
        assert child.pid in bench.worker_pids(os.getpid())
        used = bench.cpu_seconds([child.pid])[child.pid]
        assert 0.25 <= used <= 1.0
        assert bench.cpu_seconds([child.pid])[child.pid] == pytest.approx(used, abs=0.02)
    finally:
        child.kill()
        child.wait()
    assert bench.cpu_seconds([child.pid]) == {}  # gone: nothing more to count


def test_cpu_per_request_counts_every_worker_and_new_ones_from_zero():
    before = {1: 10.0, 2: 5.0}
    after = {1: 10.5, 2: 5.25, 3: 0.25}  # worker 3 was started during the run
    assert bench.cpu_per_request(before, after, 1000) == pytest.approx(1.0)


def test_the_quiz_rows_are_judged_on_cpu_and_on_ratio():
    passing = bench.page_targets("answer save (POST)", 0.30, 3.9, 5)
    assert passing == ["ratio>=0.25 PASS", "cpu<=4 PASS", "queries<=6 PASS"]
    failing = bench.page_targets("quiz question", 0.19, 5.1, 2)
    assert failing == ["ratio>=0.20 FAIL", "cpu<=5 FAIL", "queries<=6 PASS"]
    assert bench.page_targets("quiz submit (POST)", 0.2, None, "-") == ["ratio>=0.20 PASS"]
