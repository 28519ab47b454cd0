"""WordPress imports started from the admin."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """A WordPress export uploaded in the admin and imported by the background worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    items_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("WordPress import")
        verbose_name_plural = _("Import from WordPress")

    def __str__(self):
        return gettext("Import %(number)s (%(state)s)") % {
            "number": self.pk,
            "state": self.get_state_display(),
        }
