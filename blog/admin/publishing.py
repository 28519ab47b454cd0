"""The post and page form's Publish box, as WordPress's: Save Draft, Preview, Publish (or
Schedule, or Submit for Review for Contributors), Update once out, Move to Trash, with the
status, visibility and date summaries, and WordPress's messages after each. The Add Media
dialog's settings for the same form live here too."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import capabilities
from ..dates import long_date
from ..models import PostType, Status
from .media import library_item

BUTTONS = ("_save_draft", "_publish", "_update", "_trash")
OUT = (Status.PUBLISH, Status.FUTURE, Status.PRIVATE)
# What the Publish box says after each button, for a post and for a page (WordPress's words).
MESSAGES = {
    "scheduled": (_("Post scheduled for: %(when)s."), _("Page scheduled for: %(when)s.")),
    "published": (_("Post published."), _("Page published.")),
    "privately": (_("Post privately published."), _("Page privately published.")),
    "updated": (_("Post updated."), _("Page updated.")),
    "submitted": (_("Post submitted."), _("Page submitted.")),
    "draft": (_("Post draft updated."), _("Page draft updated.")),
}
LINKS = {
    "view": (_("View post"), _("View page")),
    "preview": (_("Preview post"), _("Preview page")),
}


class PublishBoxMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and any(name in request.POST for name in BUTTONS):
            request.POST = self._with_chosen_status(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _with_chosen_status(self, request):
        """The button decides the status; the form's own status field is the fine control."""
        data = request.POST.copy()
        if "_save_draft" in data:
            data["status"] = Status.DRAFT
        elif "_publish" in data:
            if not capabilities.may_publish(request.user):
                data["status"] = Status.PENDING
            elif data.get("status") != Status.PRIVATE:
                data["status"] = Status.PUBLISH  # a future date makes it scheduled
        elif "_trash" in data:
            data["status"] = Status.TRASH
        data["_continue"] = "1"
        return data

    def save_form(self, request, form, change):
        if change and "_trash" in request.POST:  # what the message's Undo puts back
            request.status_before_trash = form.initial.get("status")
        return super().save_form(request, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if any(name in request.POST for name in BUTTONS):
            return self._after_publish_box(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if any(name in request.POST for name in BUTTONS):
            return self._after_publish_box(request, obj)
        return super().response_change(request, obj)

    def _after_publish_box(self, request, obj):
        info = self.opts.app_label, self.opts.model_name
        if "_trash" in request.POST:
            before = getattr(request, "status_before_trash", None)
            text = self._counted(gettext("%(count)d %(noun)s moved to the Trash."), 1)
            if before and before != Status.TRASH:
                text = self.undo_message(request, text, Status.TRASH, {obj.pk: before})
            self.message_user(request, text, messages.SUCCESS)
            return redirect(f"admin:{info[0]}_{info[1]}_changelist")
        page = obj.post_type == PostType.PAGE
        if obj.status == Status.FUTURE:
            event, link = "scheduled", "preview"
        elif obj.status in (Status.PUBLISH, Status.PRIVATE):
            event, link = "updated", "view"
            if "_publish" in request.POST:
                event = "privately" if obj.status == Status.PRIVATE else "published"
        elif obj.status == Status.PENDING:
            event, link = "submitted", "preview"
        else:
            event, link = "draft", "preview"
        text = str(MESSAGES[event][page]) % {"when": long_date(obj.published_at)}
        url = obj.get_absolute_url() + ("" if link == "view" else "?preview=true")
        self.message_user(
            request,
            format_html('{} <a href="{}">{}</a>', text, url, LINKS[link][page]),
            messages.SUCCESS,
        )
        return redirect(f"admin:{info[0]}_{info[1]}_change", obj.pk)

    def view_on_site(self, obj):
        """The entry on this site, at the address the admin is served from (the sites
        framework's single domain would send the editor to example.com)."""
        return obj.get_absolute_url()

    def publish_box(self, request, obj):
        """What the box says about `obj` (None while adding)."""
        status = obj.status if obj else Status.DRAFT
        when = obj.published_at if obj else None
        scheduled = bool(when and when > timezone.now())
        if obj and obj.status in (Status.PUBLISH, Status.PRIVATE):
            label, shown = gettext("Published on:"), long_date(when)
        elif scheduled:
            label, shown = gettext("Scheduled for:"), long_date(when)
        else:
            label, shown = gettext("Publish"), gettext("immediately")
        if status == Status.PRIVATE:
            visibility = gettext("Private")
        elif obj and obj.password:
            visibility = gettext("Password protected")
        else:
            visibility = gettext("Public")
        return {
            "status": Status(status).label if status in Status.values else status,
            "visibility": visibility,
            "when_label": label,
            "when": shown,
            "scheduled": scheduled,
            "is_out": bool(obj and obj.status in OUT),
            "can_save_draft": not (obj and obj.status in OUT),
            "may_publish": capabilities.may_publish(request.user),
        }

    def media_config(self, request, obj):
        """The Add Media dialog's addresses, for users who may use the library."""
        if not request.user.has_perm("blog.view_media") and not request.user.has_perm(
            "blog.add_media"
        ):
            return None
        featured = obj.featured_image if obj and obj.featured_image_id else None
        return {
            "library": reverse("admin:blog_media_library"),
            "upload": reverse("admin:blog_media_upload"),
            "details": reverse("admin:blog_media_details", args=[0]),
            "icon": static("admin/inkwell/media.svg"),
            "featured": library_item(featured) if featured else None,
        }
