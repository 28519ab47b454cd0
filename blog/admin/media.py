"""The media library in the admin: uploads checked and resized on the way in."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from .. import media
from ..models import Media


class MediaForm(forms.ModelForm):
    upload = forms.FileField(
        required=False,
        help_text=_(
            "JPEG, PNG, GIF or WebP images; PDF or audio files. WordPress's image sizes "
            "are made on upload."
        ),
    )

    class Meta:
        model = Media
        fields = ["upload", "title", "alt_text", "caption"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if not self.instance.pk:
                raise ValidationError(_("Choose a file to upload."))
            return None
        kind = media.check_upload(upload)
        if kind == "image":
            media.open_image(upload)
        return upload

    def save(self, commit=True):
        entry = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            media.store(entry, upload)
            if not entry.title:
                entry.title = upload.name.rsplit(".", 1)[0][:255]
        if commit:
            entry.save()
        return entry


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    form = MediaForm
    list_display = ["preview", "__str__", "mime_type", "dimensions", "uploaded_by", "uploaded_at"]
    list_display_links = ["preview", "__str__"]
    search_fields = ["title", "alt_text", "caption", "file"]
    list_filter = ["mime_type", "uploaded_at"]
    readonly_fields = ["preview", "file_link", "html_to_insert", "sizes_made"]

    def get_fields(self, request, obj=None):
        fields = ["upload", "title", "alt_text", "caption"]
        return fields + (["preview", "file_link", "sizes_made", "html_to_insert"] if obj else [])

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("blog.edit_others_posts"):
            return queryset
        return queryset.filter(uploaded_by=request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None
            or obj.uploaded_by_id == request.user.pk
            or request.user.has_perm("blog.edit_others_posts")
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.has_change_permission(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Preview"))
    def preview(self, item):
        if not item.is_image:
            return item.mime_type
        return format_html(
            '<img src="{}" alt="" width="75" height="75" style="object-fit:cover">',
            item.size_url("thumbnail"),
        )

    @admin.display(description=_("Dimensions"))
    def dimensions(self, item):
        return f"{item.width} × {item.height}" if item.width else "\u2014"

    @admin.display(description=_("File"))
    def file_link(self, item):
        return format_html(
            '<a href="{}">{}</a> ({} KB)', item.url, item.file.name, item.file_size // 1024
        )

    @admin.display(description=_("Sizes made"))
    def sizes_made(self, item):
        return (
            ", ".join(f"{name} {s['width']}×{s['height']}" for name, s in item.sizes.items())
            or "\u2014"
        )

    @admin.display(description=_("HTML to insert in a post"))
    def html_to_insert(self, item):
        return format_html("<code>{}</code>", media_html(item))


def media_html(item):
    """The markup for a post: WordPress's class names, so sizes and srcset are added on render."""
    if not item.is_image:
        return f'<a href="{escape(item.url)}">{escape(item.title or item.file.name)}</a>'
    image = (
        f'<img class="wp-image-{item.pk}" src="{escape(item.size_url("large"))}" '
        f'alt="{escape(item.alt_text)}">'
    )
    if item.caption:
        return (
            f'<figure class="wp-caption">{image}<figcaption class="wp-caption-text">'
            f"{escape(item.caption)}</figcaption></figure>"
        )
    return image
