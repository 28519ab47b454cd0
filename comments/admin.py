"""Comments in the admin: django-comments-xtd's admin, with WordPress's kinds."""

from django.contrib import admin
from django_comments_xtd.admin import XtdCommentsAdmin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(XtdCommentsAdmin):
    list_display = [
        "name",
        "kind",
        "comment_excerpt",
        "object_pk",
        "submit_date",
        "is_public",
        "is_removed",
    ]
    list_display_links = ["name"]
    list_filter = ["kind", "is_public", "is_removed", "submit_date"]
    search_fields = ["user_name", "user_email", "user_url", "comment", "ip_address"]

    @admin.display(description="Comment")
    def comment_excerpt(self, comment):
        return comment.comment[:80]
