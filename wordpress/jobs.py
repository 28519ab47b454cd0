"""Imports started from the admin: the uploaded file is imported by the background worker,
which reports progress in a small file beside it in the private directory (the import's own
transaction holds SQLite's write lock, so it cannot update the job's row); when the import
ends, whatever the outcome, the count goes into the row and both files are deleted."""

import json
import os
from pathlib import Path

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from blog.models import ImportJob
from blog.models.import_jobs import private_storage
from blog.worker import task_abandoned

from .importer import Importer
from .wxr import WXRError

storage = private_storage()


def progress_path(job):
    return f"imports/progress-{job.pk}.json"


def write_progress(job, done):
    target = Path(storage.path(progress_path(job)))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps({"items_done": done}))
    os.replace(partial, target)  # the page reads the last count or the new one, never none


def read_progress(job):
    """Items read so far: from the progress file while the import runs, then from the row."""
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return job.items_done
    return _progress_file(job)


def _progress_file(job):
    try:
        with storage.open(progress_path(job)) as handle:
            return json.load(handle).get("items_done", job.items_done)
    except (OSError, ValueError):  # not written yet, or being replaced
        return job.items_done


def discard_files(job):
    """The uploaded export and its progress file: gone once the import has ended."""
    path = progress_path(job)
    if storage.exists(path):
        storage.delete(path)
    if job.file:
        job.file.delete(save=False)


def queue(job, trust_html=False):
    transaction.on_commit(lambda: run_import.enqueue(job.pk, trust_html=trust_html))


@task()
def run_import(job_id, trust_html=False):
    job = ImportJob.objects.get(pk=job_id)
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])
    try:
        with job.file.open("rb") as source:
            summary = Importer(
                progress=lambda done: write_progress(job, done), trust_html=trust_html
            ).run(source)
    except (WXRError, OSError) as error:
        job.state, job.error = ImportJob.State.FAILED, str(error)
    except Exception as error:  # reported on the import page, not lost in a log
        job.state, job.error = ImportJob.State.FAILED, f"Unexpected error: {error!r}"
    else:
        job.state, job.summary = ImportJob.State.DONE, summary.as_dict()
    finally:
        job.items_done = _progress_file(job)
        job.finished_at = timezone.now()
        discard_files(job)
        job.save()
    return job.state


@receiver(task_abandoned)
def import_abandoned(sender, task_path, args, reason, **kwargs):
    """An import whose worker died says so on the import page instead of running forever."""
    if task_path == run_import.module_path and args:
        ImportJob.objects.filter(
            pk=args[0], state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        ).update(state=ImportJob.State.FAILED, error=reason, finished_at=timezone.now())
