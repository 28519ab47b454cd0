"""The comment model: django-comments-xtd's threaded comment, plus WordPress's comment kinds."""

from django.db import models
from django_comments_xtd.models import XtdComment


class Kind(models.TextChoices):
    COMMENT = "comment", "Comment"
    PINGBACK = "pingback", "Pingback"
    TRACKBACK = "trackback", "Trackback"


class State(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING = "pending", "Pending"
    SPAM = "spam", "Spam"
    TRASH = "trash", "Trash"


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
    wp_id = models.PositiveBigIntegerField(
        "WordPress ID", null=True, blank=True, unique=True, editable=False
    )
    state = models.CharField(
        max_length=8,
        choices=State.choices,
        default=State.APPROVED,
        db_index=True,
        help_text="Only approved comments are shown. is_public and is_removed follow it.",
    )
    comment_html = models.TextField(
        "text as shown",
        blank=True,
        editable=False,
        help_text="The text sanitised and made into paragraphs, kept current on every save.",
    )

    class Meta:
        verbose_name = "comment"
        ordering = ["thread_id", "order"]

    def save(self, *args, **kwargs):
        self.is_public = self.state == State.APPROVED
        self.is_removed = self.state in (State.SPAM, State.TRASH)
        super().save(*args, **kwargs)

    @property
    def is_approved(self):
        return self.state == State.APPROVED

    @property
    def author_display(self):
        return self.name

    @property
    def anchor(self):
        return f"comment-{self.pk}"


class OutgoingPing(models.Model):
    """A link in a post that Inkwell tried to ping, so no URL is pinged twice."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="outgoing_pings")
    url = models.URLField(max_length=500)
    server = models.URLField("pingback server", max_length=500, blank=True)
    outcome = models.CharField(max_length=300)
    succeeded = models.BooleanField(default=False)
    pinged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "url"], name="one_ping_per_link")]
        ordering = ["-pinged_at"]

    def __str__(self):
        return f"{self.url}: {self.outcome}"
