"""Settings → General, Reading and Discussion: the site's one row of options."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import languages, themes
from ..models import SiteOptions


@admin.register(SiteOptions)
class SiteOptionsAdmin(admin.ModelAdmin):
    fieldsets = [
        (
            _("General"),
            {
                "fields": [
                    "title",
                    "tagline",
                    "admin_email",
                    "site_icon",
                    "site_language",
                    "timezone",
                    "date_format",
                    "time_format",
                    "theme",
                    "footer_credit",
                ]
            },
        ),
        (
            _("Reading"),
            {
                "fields": [
                    "show_on_front",
                    "page_on_front",
                    "page_for_posts",
                    "posts_per_page",
                    "posts_per_rss",
                    "rss_use_excerpt",
                    "sidebar_widgets",
                ]
            },
        ),
        (
            _("Discussion"),
            {
                "fields": [
                    "default_comment_status",
                    "default_ping_status",
                    "require_name_email",
                    "comment_moderation",
                    "comment_previously_approved",
                    "comment_max_links",
                    "moderation_keys",
                    "disallowed_keys",
                    "close_comments_for_old_posts",
                    "close_comments_days_old",
                    "thread_comments",
                    "thread_comments_depth",
                    "page_comments",
                    "comments_per_page",
                    "default_comments_page",
                    "comment_order",
                    "comments_notify",
                    "moderation_notify",
                    "show_avatars",
                ]
            },
        ),
        ("Writing from apps", {"fields": ["xmlrpc_account_passwords"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "theme":
            choices = [(name, name.title()) for name in themes.installed_themes()]
            return forms.ChoiceField(
                choices=choices, label=_("Theme"), help_text=db_field.help_text
            )
        if db_field.name == "site_language":
            return forms.ChoiceField(
                choices=languages.choices(),
                required=False,
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        SiteOptions.get()
        return redirect("admin:blog_siteoptions_change", 1)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
