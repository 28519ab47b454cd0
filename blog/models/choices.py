"""WordPress's names for statuses, entry types and discussion settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    FUTURE = "future", _("Scheduled")
    PUBLISH = "publish", _("Published")
    PRIVATE = "private", _("Private")
    TRASH = "trash", _("Trash")


class PostType(models.TextChoices):
    POST = "post", _("Post")
    PAGE = "page", _("Page")


class Discussion(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
