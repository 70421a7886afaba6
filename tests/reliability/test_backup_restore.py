"""make backup and make restore: a round trip into a fresh database gives back every row
of every table (content, accounts, attempts, answers), byte for byte."""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import IN_CI
from tests.security.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def postgres_tools():
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
    if missing:
        message = f"{', '.join(missing)} not installed (apt-get install postgresql-client)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def url_for(name: str) -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    port = params.get("PORT") or 5432
    return f"postgres://{params['USER']}{password}@{params['HOST'] or 'localhost'}:{port}/{name}"


def run(script: str, *args, database: str, backup_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url_for(database), "BACKUP_DIR": str(backup_dir)}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def fingerprint(name: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, md5 of every row in order)} for every table of the database."""
    with psycopg.connect(url_for(name)) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        prints = {}
        for table in tables:
            count, digest = db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) "  # noqa: S608
                f'FROM "{table}" t'
            ).fetchone()
            prints[table] = (count, digest)
    return prints


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_a_fresh_database_finds_everything(tmp_path, fresh_database):
    world = build_world()
    source = connection.settings_dict["NAME"]

    backup = run("backup.sh", database=source, backup_dir=tmp_path)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.exists() and dump.stat().st_size > 10_000
    assert not list(tmp_path.glob("*.partial"))

    restore = run("restore.sh", str(dump), database=fresh_database, backup_dir=tmp_path)
    assert restore.returncode == 0, restore.stderr

    before, after = fingerprint(source), fingerprint(fresh_database)
    assert after == before
    assert before["quizzes_attempt"][0] == 3  # alice's open and submitted ones, and olga's
    assert before["quizzes_response"][0] >= 6
    assert before["lessons_lesson"][0] >= 2 and before["cases_case"][0] >= 2
    with psycopg.connect(url_for(fresh_database)) as db:
        essay = db.execute(
            "SELECT answer FROM quizzes_response WHERE id = %s", [world.essay.pk]
        ).fetchone()
    assert essay == ("My essay.",)


def test_restore_will_not_overwrite_a_database_that_holds_data_unless_told(tmp_path):
    build_world()
    source = connection.settings_dict["NAME"]
    dump = run("backup.sh", database=source, backup_dir=tmp_path).stdout.strip()

    refused = run("restore.sh", dump, database=source, backup_dir=tmp_path)
    assert refused.returncode == 3
    assert "--replace" in refused.stderr

    before = fingerprint(source)
    # Without FILE the newest backup in BACKUP_DIR is used.
    replaced = run("restore.sh", "--replace", database=source, backup_dir=tmp_path)
    assert replaced.returncode == 0, replaced.stderr
    assert fingerprint(source) == before


def test_restore_says_when_there_is_no_backup(tmp_path):
    result = run("restore.sh", database="anything", backup_dir=tmp_path)
    assert result.returncode == 2
    assert "make backup" in result.stderr
