"""Tools → Import from WordPress: upload an export, the worker imports it, this page follows."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blog.models import ImportJob

from . import jobs
from .importer import KINDS


class ImportForm(forms.ModelForm):
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
class ImportJobAdmin(admin.ModelAdmin):
    form = ImportForm
    list_display = ["__str__", "state", "created_by", "created_at", "finished_at"]
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
        return ["file"] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        jobs.queue(obj)

    @admin.display(description=_("Items read"))
    def progress(self, job):
        return jobs.read_progress(job)

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
