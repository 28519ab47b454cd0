"""Inkwell's admin site: Django's, with the site's names, a menu in WordPress's order and
words ("Comments (N)" while N comments the user sees await moderation; the developers' models
only for superusers), and what each app adds to another's admin (the pings a post sent, shown
on the post form) wired here, so no app reaches into another's."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# WordPress's menu: (section, [(app_label, object_name, label)]), in its order.
MENU = [
    (_("Posts"), [("blog", "Post", _("All Posts")), ("blog", "Category", _("Categories")),
               ("blog", "Tag", _("Tags"))]),
    (_("Media"), [("blog", "Media", _("Library"))]),
    (_("Pages"), [("blog", "Page", _("All Pages"))]),
    (_("Comments"), [("comments", "Comment", _("Comments"))]),
    (_("Appearance"), [("blog", "SiteOptions", _("Themes and Widgets"))]),
    (_("Users"), [("auth", "User", _("All Users")),
               ("wordpress", "ApplicationPassword", _("Application Passwords"))]),
    (_("Tools"), [("blog", "ImportJob", _("Import")), (None, "wordpress-export", _("Export"))]),
    (_("Settings"), [("blog", "SiteOptions", _("General, Reading, Discussion"))]),
]  # fmt: skip
DEVELOPER_SECTION = _("Developer tools (superusers)")
# Menu items that are admin pages rather than models, with the permission each needs.
TOOL_PERMISSIONS = {"wordpress-export": "blog.add_importjob"}


class InkwellAdminSite(admin.AdminSite):
    site_header = "Inkwell"
    site_title = _("Inkwell admin")
    index_title = _("Dashboard")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        found = {(app["app_label"], m["object_name"]): m for app in apps for m in app["models"]}
        menu, placed = [], set()
        for section, entries in MENU:
            models = []
            for app, name, label in entries:
                if app is None:
                    models.extend(self._tool(request, name, label))
                elif (app, name) in found:
                    placed.add((app, name))
                    models.append({**found[(app, name)], "name": label})
            if section == _("Comments") and models and (pending := self.pending_comments(request)):
                models[0]["name"] = _("Comments (%(count)d)") % {"count": pending}
            if models:
                menu.append(self._section(section, models))
        others = [m for key, m in found.items() if key not in placed]
        if others and request.user.is_superuser:
            menu.append(self._section(DEVELOPER_SECTION, others))
        return menu

    @staticmethod
    def _section(name, models):
        return {
            "name": name,
            "app_label": str(name).split()[0].lower(),
            "app_url": models[0]["admin_url"],
            "has_module_perms": True,
            "models": models,
        }

    @staticmethod
    def _tool(request, url_name, label):
        if not request.user.has_perm(TOOL_PERMISSIONS[url_name]):
            return []
        try:
            url = reverse(f"admin:{url_name}")
        except NoReverseMatch:
            return []
        return [{"name": label, "object_name": url_name, "admin_url": url, "add_url": None,
                 "view_only": True, "perms": {"view": True}}]  # fmt: skip

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
