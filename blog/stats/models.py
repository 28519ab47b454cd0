"""How often each entry was read: the live total and the daily breakdown."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from blog.models.entries import Post


class PostViews(models.Model):
    """A post's view count, kept apart from the post so counting never rewrites the post row."""

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.CASCADE, related_name="view_count"
    )
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("views")

    def __str__(self):
        return f"{self.count} views"


class PostViewDay(models.Model):
    """Views of a post on one day (the site's time zone), for the stats chart."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "day"], name="one_row_per_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day}: {self.count}"
