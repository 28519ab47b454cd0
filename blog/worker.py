"""The background worker (`manage.py db_worker`) made visible: a heartbeat in the shared cache,
the queue's length, and tasks whose worker died while running them marked failed with the
reason (and `task_abandoned` sent, so e.g. an import job can say so too).

A thread in the worker process beats every HEARTBEAT_SECONDS (and writes the buffered views);
each worker also keeps a per-worker "alive" key fresh, so any worker can tell a task of a dead
one from a long task."""

import logging
import sys
import threading
import time

import django.dispatch
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .stats import daily

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "inkwell:worker:heartbeat"
ALIVE_KEY = "inkwell:worker:alive:{}"
HEARTBEAT_SECONDS = 5
SILENT_AFTER = 60  # /healthz answers 503 once the worker has been silent this long
ABANDONED_REASON = (
    "The background worker stopped (killed or crashed) while running this task. It was not "
    "retried, since it may have done part of its work: start it again if it should run."
)

task_abandoned = django.dispatch.Signal()  # sender: the worker; task_path, args, reason

_me = {"worker_id": None, "started": False}


class WorkerDied(Exception):
    """Recorded as the failure of a task whose worker died while running it."""


def is_worker_process(argv=None):
    argv = sys.argv if argv is None else argv
    return len(argv) > 1 and argv[1] == "db_worker"


def start_heartbeat():
    """In the worker process: beat now and every HEARTBEAT_SECONDS, and sweep abandoned tasks."""
    if _me["started"]:
        return
    _me["started"] = True
    from django_tasks.signals import task_started

    task_started.connect(_remember_worker_id, dispatch_uid="inkwell-worker-id")
    threading.Thread(target=_beat_forever, name="worker-heartbeat", daemon=True).start()


def _remember_worker_id(sender, task_result, **kwargs):
    if task_result.worker_ids:
        _me["worker_id"] = task_result.worker_ids[-1]
        cache.set(ALIVE_KEY.format(_me["worker_id"]), 1, SILENT_AFTER)


def _beat_forever():
    while True:
        try:
            beat()
            sweep_abandoned()
            daily.flush(wait=0)  # views counted by app servers that have gone quiet
        except Exception:
            logger.exception("worker heartbeat failed")
        finally:
            connection.close()
        time.sleep(HEARTBEAT_SECONDS)


def beat():
    cache.set(HEARTBEAT_KEY, time.time(), None)
    if _me["worker_id"]:
        cache.set(ALIVE_KEY.format(_me["worker_id"]), 1, SILENT_AFTER)


def heartbeat_age():
    """Seconds since the worker last beat, or None if it never did."""
    last = cache.get(HEARTBEAT_KEY)
    return None if last is None else max(0.0, time.time() - last)


def uses_database_queue():
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def queue_length():
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().count()
    running = DBTaskResult.objects.running().count()
    return {"ready": ready, "running": running}


def sweep_abandoned(grace=SILENT_AFTER):
    """Mark failed each task RUNNING for longer than `grace` seconds whose worker no longer
    beats; return how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    started_before = timezone.now() - timezone.timedelta(seconds=grace)
    abandoned = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=started_before):
        worker = result.worker_ids[-1] if result.worker_ids else None
        if worker and cache.get(ALIVE_KEY.format(worker)) is not None:
            continue  # a long task of a live worker
        updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
            traceback=ABANDONED_REASON,
        )
        if updated:
            abandoned += 1
            arguments = result.args_kwargs or {}
            task_abandoned.send(
                sender=WorkerDied,
                task_path=result.task_path,
                args=arguments.get("args", []),
                reason=ABANDONED_REASON,
            )
    return abandoned
