"""Imports started from the admin: the uploaded file is imported by the background worker in
short batches, and after each batch the job's row says how far it has got (items done of the
total counted first, and since when), from which the import page shows the rate and the time
left. When the import ends, whatever the outcome, the uploaded file is deleted."""

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from blog.models import ImportJob
from blog.models.import_jobs import private_storage
from blog.worker import task_abandoned

from .importer import Importer
from .progress import Progress
from .wxr import WXRError

storage = private_storage()


def record_progress(job, state):
    """Between batches (no transaction open), so the admin sees it at once."""
    job.items_done, job.items_total = state.done, state.total
    ImportJob.objects.filter(pk=job.pk).update(items_done=state.done, items_total=state.total)


def progress_of(job):
    """The job's Progress: items done of the total, the rate so far and the time left."""
    end = job.finished_at or timezone.now()
    elapsed = (end - job.started_at).total_seconds() if job.started_at else 0.0
    return Progress(done=job.items_done, total=job.items_total, elapsed=elapsed)


def discard_files(job):
    """The uploaded export (and the progress file older versions wrote): gone once the
    import has ended."""
    path = f"imports/progress-{job.pk}.json"
    if storage.exists(path):
        storage.delete(path)
    if job.file:
        job.file.delete(save=False)


def queue(job, trust_html=False):
    transaction.on_commit(lambda: run_import.enqueue(job.pk, trust_html=trust_html))


@task()
def run_import(job_id, trust_html=False):
    job = ImportJob.objects.get(pk=job_id)
    job.state, job.started_at = ImportJob.State.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    try:
        with job.file.open("rb") as source:
            summary = Importer(
                progress=lambda state: record_progress(job, state), trust_html=trust_html
            ).run(source)
    except (WXRError, OSError) as error:
        job.state, job.error = ImportJob.State.FAILED, str(error)
    except Exception as error:  # reported on the import page, not lost in a log
        job.state, job.error = ImportJob.State.FAILED, f"Unexpected error: {error!r}"
    else:
        job.state, job.summary = ImportJob.State.DONE, summary.as_dict()
    finally:
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
