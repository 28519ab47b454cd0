"""The one settings file: safe defaults locally, production behaviour when configured."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.db import connection

from config.settings import _database

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    inherited = {"DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        ALLOWED_HOSTS="blog.example.org",
        SECRET_KEY="x7Qm2v9LpZr4Tt8Wn1Ky6Hb3Jd5Fs0Ga-Ue+Ci=Ro#Pl@Me!Nq",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_local_defaults_do_not_force_https():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)",
    )
    assert result.stdout.split() == ["False", "False", "False"], result.stderr


def test_every_sqlite_database_gets_wal_and_a_busy_timeout(tmp_path):
    config = _database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    postgres = _database("postgres://postgres@127.0.0.1:5432/inkwell")
    assert postgres == {
        **dj_database_url.parse(
            "postgres://postgres@127.0.0.1:5432/inkwell", conn_max_age=postgres["CONN_MAX_AGE"]
        )
    }


@pytest.mark.django_db
def test_the_sqlite_database_in_use_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
