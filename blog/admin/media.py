"""The media library in the admin: uploads checked and resized on the way in."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from .. import media
from ..dates import wp_format
from ..models import Media
from .selection import SelectionByKey


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
class MediaAdmin(SelectionByKey, admin.ModelAdmin):
    form = MediaForm
    list_display = ["preview", "file_details", "uploaded_by", "uploaded_date"]
    list_display_links = ["preview", "file_details"]
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

    # --- the Add Media dialog of the post and page forms (static/admin/inkwell/media.js) ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("library.json", wrap(self.library_view), name="blog_media_library"),
            path("upload.json", wrap(self.upload_view), name="blog_media_upload"),
            path("<int:pk>/details.json", wrap(self.details_view), name="blog_media_details"),
            *super().get_urls(),
        ]

    def library_view(self, request):
        """One page of the library as JSON, newest first, searchable; images only on ask."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        items = self.get_queryset(request)
        if words := request.GET.get("search", "").strip():
            items = items.filter(
                Q(title__icontains=words) | Q(caption__icontains=words) | Q(file__icontains=words)
            )
        if request.GET.get("type") == "image":
            items = items.filter(mime_type__startswith="image/")
        page = Paginator(items, 40).get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "items": [library_item(item) for item in page],
                "page": page.number,
                "pages": page.paginator.num_pages,
            }
        )

    def details_view(self, request, pk):
        """Alt text and caption typed in the dialog are the item's, as in WordPress."""
        item = self.get_queryset(request).filter(pk=pk).first()
        if request.method != "POST" or item is None:
            return JsonResponse({"error": "No such item."}, status=404)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        item.alt_text = request.POST.get("alt", item.alt_text)[:500]
        item.caption = request.POST.get("caption", item.caption)
        item.save(update_fields=["alt_text", "caption"])
        return JsonResponse(library_item(item))

    def upload_view(self, request):
        """An upload from the dialog: the library's own checks, the new item as JSON."""
        if request.method != "POST":
            return JsonResponse({"error": "Upload with POST."}, status=405)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MediaForm(data={"title": ""}, files={"upload": request.FILES.get("file")})
        if not form.is_valid():
            errors = [message for messages in form.errors.values() for message in messages]
            return JsonResponse({"error": " ".join(errors)}, status=400)
        item = form.save(commit=False)
        item.uploaded_by = request.user
        item.save()
        return JsonResponse(library_item(item), status=201)

    @admin.display(description=_("Preview"))
    def preview(self, item):
        if not item.is_image:
            return item.mime_type
        return format_html(
            '<img src="{}" alt="" width="75" height="75" style="object-fit:cover">',
            item.size_url("thumbnail"),
        )

    @admin.display(description=_("File"), ordering="title")
    def file_details(self, item):
        """WordPress's File column: the title, the file's name, its type and size in pixels."""
        kind = item.mime_type + (f" \u00b7 {item.width} × {item.height}" if item.width else "")
        name = (item.file.name or item.remote_url).rsplit("/", 1)[-1]
        return format_html(
            "<strong>{}</strong><br><small>{}</small><br><small>{}</small>", item, name, kind
        )

    @admin.display(description=_("Date"), ordering="uploaded_at")
    def uploaded_date(self, item):
        return wp_format(item.uploaded_at, "Y/m/d")

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


def library_item(item):
    """What the Add Media dialog needs of an item: its sizes with their addresses."""
    sizes = {
        name: {"url": item.size_url(name), "width": size["width"], "height": size.get("height")}
        for name, size in (item.sizes or {}).items()
    }
    if item.is_image:
        sizes["full"] = {"url": item.url, "width": item.width, "height": item.height}
    return {
        "id": item.pk,
        "title": item.title or str(item),
        "alt": item.alt_text,
        "caption": item.caption,
        "mime": item.mime_type,
        "is_image": item.is_image,
        "url": item.url,
        "thumbnail": item.size_url("thumbnail") if item.is_image else "",
        "sizes": sizes,
    }


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
