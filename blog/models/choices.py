"""WordPress's names for statuses, entry types and discussion settings."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    FUTURE = "future", "Scheduled"
    PUBLISH = "publish", "Published"
    PRIVATE = "private", "Private"
    TRASH = "trash", "Trash"


class PostType(models.TextChoices):
    POST = "post", "Post"
    PAGE = "page", "Page"


class Discussion(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
