"""The comment model: django-comments-xtd's threaded comment, plus WordPress's comment kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment, XtdCommentManager


class Kind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    PINGBACK = "pingback", _("Pingback")
    TRACKBACK = "trackback", _("Trackback")
    WEBMENTION = "webmention", _("Webmention")


class State(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Pending")
    SPAM = "spam", _("Spam")
    TRASH = "trash", _("Trash")


# The one definition of an approved comment: readers see these, feeds list these. In
# django_comments' own vocabulary (what `blog` may use) it reads is_public=True and
# is_removed=False, which `Comment.save` keeps in step (tests/test_approved_comments.py).
APPROVED = models.Q(state=State.APPROVED)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(APPROVED)


class CommentManager(XtdCommentManager.from_queryset(CommentQuerySet)):
    pass


class Comment(XtdComment):
    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        parent_link=True,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="inkwell_comment",
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.COMMENT,
        db_index=True,
        verbose_name=_("kind"),
    )
    user_agent = models.CharField(max_length=255, blank=True, verbose_name=_("user agent"))
    wp_id = models.PositiveBigIntegerField(
        _("WordPress ID"), null=True, blank=True, unique=True, editable=False
    )
    state = models.CharField(
        max_length=8,
        choices=State.choices,
        default=State.APPROVED,
        db_index=True,
        help_text=_("Only approved comments are shown to readers."),
        verbose_name=_("state"),
    )
    comment_html = models.TextField(
        "text as shown",
        blank=True,
        editable=False,
        help_text="The text sanitised and made into paragraphs, kept current on every save.",
    )

    objects = CommentManager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["thread_id", "order"]

    def save(self, *args, **kwargs):
        self.is_public = self.state == State.APPROVED
        self.is_removed = self.state in (State.SPAM, State.TRASH)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The comment on its post's page (the comment page that shows it)."""
        from blog.models import SiteOptions

        from .tree import comment_url

        return comment_url(self, self.content_object, SiteOptions.get())

    @property
    def anchor(self):
        return f"comment-{self.pk}"


class OutgoingPing(models.Model):
    """A link in a post that Inkwell tried to ping, so no URL is pinged twice."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="outgoing_pings")
    url = models.URLField(max_length=500, verbose_name=_("url"))
    server = models.URLField(_("pingback server"), max_length=500, blank=True)
    outcome = models.CharField(max_length=300, verbose_name=_("outcome"))
    succeeded = models.BooleanField(default=False, verbose_name=_("succeeded"))
    pinged_at = models.DateTimeField(auto_now_add=True, verbose_name=_("pinged at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "url"], name="one_ping_per_link")]
        ordering = ["-pinged_at"]

    def __str__(self):
        return f"{self.url}: {self.outcome}"
