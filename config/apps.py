"""Django's admin app, with Inkwell's admin site (config/admin.py) as the default site."""

from django.contrib.admin.apps import AdminConfig


class InkwellAdminConfig(AdminConfig):
    default_site = "config.admin.InkwellAdminSite"

    def ready(self):
        super().ready()  # every app's admin module is registered now
        from django.contrib import admin

        admin.site.wire()
