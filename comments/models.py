"""The comment model: django-comments-xtd's threaded comment, plus WordPress's comment kinds."""

from django.db import models
from django_comments_xtd.models import XtdComment


class Kind(models.TextChoices):
    COMMENT = "comment", "Comment"
    PINGBACK = "pingback", "Pingback"
    TRACKBACK = "trackback", "Trackback"


class Comment(XtdComment):
    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        parent_link=True,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="inkwell_comment",
    )
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.COMMENT, db_index=True
    )
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = "comment"
        ordering = ["thread_id", "order"]

    @property
    def is_approved(self):
        return self.is_public and not self.is_removed

    @property
    def anchor(self):
        return f"comment-{self.pk}"
