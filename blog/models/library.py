"""The media library: uploads and the sizes made from them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def media_upload_path(instance, filename):
    now = timezone.now()
    return f"uploads/{now:%Y}/{now:%m}/{filename}"


class Media(models.Model):
    """An upload in the media library: an image with its generated sizes, or a file."""

    file = models.FileField(
        upload_to=media_upload_path, max_length=300, blank=True, verbose_name=_("file")
    )
    remote_url = models.URLField(
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("An imported attachment kept where it was (not downloaded)."),
        verbose_name=_("remote url"),
    )
    parent = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
        editable=False,
        verbose_name=_("parent"),
    )
    wp_id = models.PositiveBigIntegerField(
        _("WordPress ID"), null=True, blank=True, unique=True, editable=False
    )
    title = models.CharField(max_length=255, blank=True, verbose_name=_("title"))
    alt_text = models.CharField(
        _("alternative text"),
        max_length=500,
        blank=True,
        help_text=_("Describe the image for readers who cannot see it; leave empty if decorative."),
    )
    caption = models.TextField(blank=True, verbose_name=_("caption"))
    mime_type = models.CharField(max_length=100, editable=False, verbose_name=_("mime type"))
    width = models.PositiveIntegerField(null=True, editable=False, verbose_name=_("width"))
    height = models.PositiveIntegerField(null=True, editable=False, verbose_name=_("height"))
    file_size = models.PositiveBigIntegerField(
        default=0, editable=False, verbose_name=_("file size")
    )
    sizes = models.JSONField(
        default=dict,
        editable=False,
        help_text=_("Generated sizes: name → {file, width, height}."),
        verbose_name=_("sizes"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        verbose_name = verbose_name_plural = _("media")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title or (self.file.name or self.remote_url).rsplit("/", 1)[-1]

    @property
    def is_image(self):
        return self.mime_type.startswith("image/")

    @property
    def url(self):
        return self.file.url if self.file else self.remote_url

    def size_url(self, name):
        size = self.sizes.get(name)
        return self.file.storage.url(size["file"]) if size and self.file else self.url

    @property
    def large_url(self):
        return self.size_url("large")

    def srcset(self):
        """Every generated width and the original, for <img srcset>."""
        if not self.is_image or not self.file or not self.width:
            return ""
        candidates = {self.width: self.url}
        for name, size in self.sizes.items():
            if name != "thumbnail":
                candidates[size["width"]] = self.file.storage.url(size["file"])
        return ", ".join(f"{url} {width}w" for width, url in sorted(candidates.items()))
