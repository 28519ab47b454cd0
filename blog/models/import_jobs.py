"""WordPress imports started from the admin, and the private storage their uploads wait in."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


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
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(
        upload_to="imports/", storage=private_storage, max_length=300, verbose_name=_("file")
    )
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.QUEUED, verbose_name=_("state")
    )
    items_done = models.PositiveIntegerField(default=0, verbose_name=_("items done"))
    items_total = models.PositiveIntegerField(
        default=0,
        help_text=_("Items in the file, counted before the import starts."),
        verbose_name=_("items in the file"),
    )
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("WordPress import")
        verbose_name_plural = _("Import from WordPress")

    def __str__(self):
        return gettext("Import %(number)s (%(state)s)") % {
            "number": self.pk,
            "state": self.get_state_display(),
        }
