"""The Trash: entries stay 30 days, restorable, then a task deletes them for good."""

import datetime

from django.utils import timezone
from django_tasks import task

from .models import Post, Status

EMPTY_TRASH_DAYS = 30


def expired():
    cutoff = timezone.now() - datetime.timedelta(days=EMPTY_TRASH_DAYS)
    return Post.objects.filter(status=Status.TRASH, trashed_at__lte=cutoff)


@task()
def empty_trash():
    deleted, _ = expired().delete()
    return deleted


def schedule_emptying():
    """Queue the emptying for when the entries trashed now expire (where the backend defers;
    `manage.py empty_trash` does the same by hand or from cron)."""
    backend = empty_trash.get_backend()
    if backend.supports_defer:
        when = timezone.now() + datetime.timedelta(days=EMPTY_TRASH_DAYS, minutes=1)
        empty_trash.using(run_after=when).enqueue()
