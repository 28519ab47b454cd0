"""The WordPress tools in the admin: Tools → Import from WordPress (upload an export, the worker
imports it, this page follows) and each user's Application Passwords."""

import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blog import origin
from blog.admin.selection import SelectionByKey
from blog.models import ImportJob, SiteOptions

from . import jobs
from .exporter import Exporter
from .importer import KINDS
from .models import ApplicationPassword


class ImportForm(forms.ModelForm):
    trust_html = forms.BooleanField(
        required=False,
        label="Trust the HTML in this file",
        help_text="Keep scripts, styles, embeds and event handlers in posts as written. Leave "
        "unticked unless the file comes from a site you control: by default entries are "
        "cleaned as for a writer without “unfiltered HTML”.",
    )

    class Meta:
        model = ImportJob
        fields = ["file"]
        help_texts = {"file": _("The .xml file made by WordPress's Tools → Export (WXR 1.0–1.2).")}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        head = upload.read(2048)
        upload.seek(0)
        if b"<rss" not in head and b"<?xml" not in head:
            raise forms.ValidationError(_("This does not look like a WordPress export (.xml)."))
        return upload


@admin.register(ImportJob)
class ImportJobAdmin(SelectionByKey, admin.ModelAdmin):
    form = ImportForm

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="wordpress-export"), *super().get_urls()]

    def export_view(self, request):
        """Tools → Export: the whole site as a WordPress export (WXR) file, for those who may
        import (administrators); drafts and protected text only as far as they may read."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            out = io.StringIO()
            Exporter(origin.current(), user=request.user).write(out)
            site = slugify(SiteOptions.get().title) or "inkwell"
            name = f"{site}.wordpress.{timezone.now():%Y-%m-%d}.xml"
            response = HttpResponse(out.getvalue(), content_type="application/xml; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {**self.admin_site.each_context(request), "title": "Export", "opts": self.opts}
        return TemplateResponse(request, "admin/wordpress/export.html", context)

    list_display = ["__str__", "state", "progress", "created_by", "created_at", "finished_at"]
    readonly_fields = [
        "state",
        "progress",
        "summary_table",
        "error",
        "created_by",
        "created_at",
        "finished_at",
    ]
    change_form_template = "admin/wordpress/importjob_change_form.html"

    def get_fields(self, request, obj=None):
        if obj is not None:
            return self.readonly_fields
        return ["file", "trust_html"] if request.user.has_perm("blog.unfiltered_html") else ["file"]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        trusted = request.user.has_perm("blog.unfiltered_html")
        jobs.queue(obj, trust_html=trusted and form.cleaned_data.get("trust_html", False))

    def delete_model(self, request, obj):
        jobs.discard_files(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for job in queryset:
            jobs.discard_files(job)
        super().delete_queryset(request, queryset)

    @admin.display(description=_("Progress"))
    def progress(self, job):
        """Items done of the total, the rate and the time left (the page reloads itself while
        the import runs)."""
        return jobs.progress_of(job).text()

    @admin.display(description=_("Summary"))
    def summary_table(self, job):
        counts = job.summary.get("counts") if job.summary else None
        if not counts:
            return "\u2014"
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    kind,
                    counts.get(kind, {}).get("created", 0),
                    counts.get(kind, {}).get("updated", 0),
                    counts.get(kind, {}).get("skipped", 0),
                )
                for kind in KINDS
            ),
        )
        notes = format_html_join("", "<li>{}</li>", ((line,) for line in job.summary["skipped"]))
        return format_html(
            "<table><tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table><ul>{}</ul>",
            gettext("created"),
            gettext("updated"),
            gettext("skipped"),
            rows,
            notes,
        )


@admin.register(ApplicationPassword)
class ApplicationPasswordAdmin(admin.ModelAdmin):
    """Users → Application Passwords: each user makes and revokes their own; the password is
    shown once, when it is made."""

    list_display = ["name", "created_at", "last_used_at", "last_ip"]
    fields = ["name"]

    def _own(self, request, obj):
        return obj is None or obj.user_id == request.user.pk or request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._own(request, obj)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._own(request, obj)

    def get_queryset(self, request):
        mine = super().get_queryset(request)
        return mine if request.user.is_superuser else mine.filter(user=request.user)

    def save_model(self, request, obj, form, change):
        record, plain = ApplicationPassword.create_for(request.user, obj.name)
        obj.pk, obj.user, obj.password = record.pk, record.user, record.password
        messages.success(
            request,
            format_html(
                "Your new password for {}: <code>{}</code> — copy it now, it is not shown again.",
                record.name,
                plain,
            ),
        )

    def log_addition(self, request, obj, message):
        pass  # the record was made by create_for; nothing further to log about the secret
