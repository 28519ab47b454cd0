"""Former addresses of entries (WordPress's _wp_old_slug), so old links still lead to them."""

from django.db import models


class OldSlug(models.Model):
    """A slug, and where known the permalink path, an entry answered to before: written when a
    published entry's slug, date or parent changes, and by the WordPress importer; read by the
    404 handler with an indexed lookup."""

    entry = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="old_addresses")
    slug = models.CharField(max_length=200, db_index=True)
    path = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,
        help_text="The entry's former permalink path on this site; blank when only the slug "
        "is known (imported from WordPress).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "slug", "path"], name="one_row_an_old_address")
        ]

    def __str__(self):
        return self.path or self.slug
