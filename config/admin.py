"""Inkwell's admin site: Django's, with the site's names, "Comments (N)" in the menu while N
comments the user sees await moderation, and what each app adds to another's admin (the
pings a post sent, shown on the post form) wired here, so no app reaches into another's."""

from django.contrib import admin


class InkwellAdminSite(admin.AdminSite):
    site_header = "Inkwell"
    site_title = "Inkwell admin"
    index_title = "Dashboard"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        pending = None
        for app in apps:
            for model in app["models"]:
                if model["object_name"] == "Comment":
                    if pending is None:
                        pending = self.pending_comments(request)
                    if pending:
                        model["name"] = f"Comments ({pending})"
        return apps

    def pending_comments(self, request):
        from blog import discussion
        from comments.models import Comment, State

        held = Comment.objects.filter(state=State.PENDING)
        return discussion.discussed_by(request.user, held).count()

    def wire(self):
        """After every app registered its admins: the discussion parts of the post form."""
        from blog.models import Post
        from comments.admin import OutgoingPingInline

        post_admin = self.get_model_admin(Post)
        if OutgoingPingInline not in post_admin.inlines:
            post_admin.inlines = [*post_admin.inlines, OutgoingPingInline]
