"""Imports started from the admin: the uploaded file is imported by the background worker,
which reports progress in a small file beside it (the import's own transaction cannot)."""

import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from blog.models import ImportJob
from blog.worker import task_abandoned

from .importer import Importer
from .wxr import WXRError


def progress_path(job):
    return f"imports/progress-{job.pk}.json"


def write_progress(job, done):
    path = progress_path(job)
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps({"items_done": done}).encode()))


def read_progress(job):
    path = progress_path(job)
    if not default_storage.exists(path):
        return job.items_done
    with default_storage.open(path) as handle:
        return json.load(handle).get("items_done", job.items_done)


def queue(job):
    transaction.on_commit(lambda: run_import.enqueue(job.pk))


@task()
def run_import(job_id):
    job = ImportJob.objects.get(pk=job_id)
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    try:
        with job.file.open("rb") as source:
            summary = Importer(progress=lambda done: write_progress(job, done)).run(source)
    except (WXRError, OSError) as error:
        job.state, job.error = ImportJob.State.FAILED, str(error)
    except Exception as error:  # reported on the import page, not lost in a log
        job.state, job.error = ImportJob.State.FAILED, f"Unexpected error: {error!r}"
    else:
        job.state, job.summary = ImportJob.State.DONE, summary.as_dict()
        job.items_done = read_progress(job)
    job.finished_at = timezone.now()
    job.save()
    return job.state


@receiver(task_abandoned)
def import_abandoned(sender, task_path, args, reason, **kwargs):
    """An import whose worker died says so on the import page instead of running forever."""
    if task_path == run_import.module_path and args:
        ImportJob.objects.filter(
            pk=args[0], state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        ).update(state=ImportJob.State.FAILED, error=reason, finished_at=timezone.now())
