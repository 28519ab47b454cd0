"""The background worker is supervised and visible: killed, it comes back; /healthz reports
its heartbeat and the queue and answers 503 when the database fails or the worker is silent;
a task whose worker died is marked failed with the reason, and so is its import."""

import datetime
import json
import os
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from blog import worker
from blog.models import ImportJob
from tests.server import Server
from wordpress.jobs import run_import


def health(site):
    try:
        with urllib.request.urlopen(site.url + "/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def task_workers(site):
    """The master's children whose command line names `manage.py db_worker`."""
    return [
        pid
        for pid, command in site.children().items()
        if any(part.endswith(b"manage.py") for part in command) and b"db_worker" in command
    ]


def wait_for(condition, seconds=45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.5)
    raise AssertionError(f"still not true after {seconds} s: {condition}")


def test_a_killed_worker_is_started_again_and_healthz_follows_its_heartbeat(tmp_path):
    site = Server(tmp_path, workers=1, run_worker=True)
    site.start()
    try:
        status, report = wait_for(lambda: (answer := health(site))[0] == 200 and answer)
        assert report["database"] == report["cache"] == "ok"
        assert report["worker"]["heartbeat_age_seconds"] <= worker.SILENT_AFTER
        assert report["queue"] == {"ready": 0, "running": 0}
        [first] = task_workers(site)
        os.kill(first, signal.SIGKILL)
        [second] = wait_for(lambda: [pid for pid in task_workers(site) if pid != first])
        assert first not in task_workers(site)
        beat = wait_for(lambda: health(site)[1]["worker"]["heartbeat_age_seconds"] < 2)
        assert beat
        assert health(site)[0] == 200
    finally:
        site.stop()
    assert (
        not Path(f"/proc/{second}").exists()
        or b"db_worker" not in Path(f"/proc/{second}/cmdline").read_bytes()
    )  # stopping the site stops the worker it started


@pytest.fixture
def database_queue(monkeypatch):
    monkeypatch.setattr(worker, "uses_database_queue", lambda: True)


@pytest.mark.django_db
def test_healthz_is_503_while_the_worker_has_been_silent_over_a_minute(client, database_queue):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["heartbeat_age_seconds"] is None
    worker.beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["queue"] == {"ready": 0, "running": 0}
    cache.set(worker.HEARTBEAT_KEY, time.time() - 61, None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["heartbeat_age_seconds"] > 60


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, database_queue, monkeypatch):
    from blog import views

    class Down:
        vendor = "sqlite"

        def cursor(self):
            raise views.connection.Database.OperationalError("unable to open database file")

    worker.beat()
    monkeypatch.setattr(views, "connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "queue" not in response.json()


def running_task(path, args, worker_id, minutes_ago):
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": args, "kwargs": {}},
        task_path=path,
        worker_ids=[worker_id],
        backend_name="default",
        run_after=started,
        started_at=started,
    )


@pytest.mark.django_db
def test_a_task_whose_worker_died_is_marked_failed_and_its_import_says_why(admin_client):
    job = ImportJob.objects.create(file=ContentFile(b"<rss/>", name="export.xml"))
    job.state = ImportJob.State.RUNNING
    job.save()
    dead = running_task(run_import.module_path, [job.pk], "worker-that-died", minutes_ago=3)
    cache.set(worker.ALIVE_KEY.format("worker-still-beating"), 1, 60)
    alive = running_task(run_import.module_path, [0], "worker-still-beating", minutes_ago=3)
    recent = running_task(run_import.module_path, [0], "worker-just-started", minutes_ago=0)

    assert worker.sweep_abandoned() == 1
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert "worker stopped" in dead.traceback
    assert dead.exception_class_path == "blog.worker.WorkerDied"
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "worker stopped" in job.error
    for untouched in (alive, recent):
        untouched.refresh_from_db()
        assert untouched.status == TaskResultStatus.RUNNING
    for record in (dead, job):
        meta = record._meta
        page = admin_client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        )
        assert "worker stopped" in page.content.decode()
