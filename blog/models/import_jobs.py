"""WordPress imports started from the admin, and the private storage their uploads wait in."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models


class PrivateStorage(FileSystemStorage):
    """Files under INKWELL_PRIVATE_DIR: outside MEDIA_ROOT and the media storage, so no URL
    serves them. An export holds e-mails, IPs, drafts and post passwords."""

    @property
    def base_location(self):
        return str(settings.INKWELL_PRIVATE_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL.")


def private_storage():
    return PrivateStorage()


class ImportJob(models.Model):
    """A WordPress export uploaded in the admin and imported by the background worker.
    The uploaded file is private and deleted when the import ends, whatever the outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="imports/", storage=private_storage, max_length=300)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    items_done = models.PositiveIntegerField(default=0)
    items_total = models.PositiveIntegerField(
        default=0, help_text="Items in the file, counted before the import starts."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "WordPress import"
        verbose_name_plural = "Import from WordPress"

    def __str__(self):
        return f"Import {self.pk} ({self.get_state_display()})"
