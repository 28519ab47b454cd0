"""The editor's side of content in Django's admin: Posts, Pages, Categories, Tags, Media and
Settings (Comments come from the comments app)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import entries, media, settings, taxonomy  # noqa: F401  (each registers one)

admin.site.site_header = "Inkwell"
admin.site.site_title = _("Inkwell admin")
admin.site.index_title = _("Dashboard")
