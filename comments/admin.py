"""Comment moderation in the admin: WordPress's queue, bulk actions, reply and e-mail links."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blog.models import Post

from . import notifications
from .models import Comment, Kind, OutgoingPing, State

MODERATE_TITLES = {
    "approve": _("Approve comment"),
    "spam": _("Spam comment"),
    "trash": _("Trash comment"),
}


class PostFilter(admin.SimpleListFilter):
    """?object_pk=ID: the comments of one post (the posts list links here)."""

    title = _("post")
    parameter_name = "object_pk"

    def lookups(self, request, model_admin):
        return []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(object_pk=self.value())
        return queryset

    def has_output(self):
        return True

    def choices(self, changelist):
        if self.value():
            post = Post.objects.filter(pk=self.value()).first()
            yield {
                "selected": True,
                "query_string": changelist.get_query_string(remove=[self.parameter_name]),
                "display": _("Only: %(post)s (show all)")
                % {"post": post.display_title if post else self.value()},
            }
        else:
            yield {"selected": True, "query_string": "?", "display": _("All posts")}


class ReplyForm(forms.Form):
    comment = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author", "kind", "excerpt", "in_response_to", "submit_date", "state"]
    list_display_links = ["excerpt"]
    list_filter = ["state", "kind", PostFilter, "submit_date"]
    search_fields = ["user_name", "user_email", "user_url", "comment", "ip_address"]
    list_select_related = ["user"]
    date_hierarchy = "submit_date"
    actions = ["approve", "unapprove", "mark_spam", "move_to_trash"]
    fields = [
        "user_name",
        "user_email",
        "user_url",
        "comment",
        "state",
        "kind",
        "submit_date",
        "ip_address",
        "user_agent",
        "followup",
    ]
    readonly_fields = ["kind", "ip_address", "user_agent", "submit_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("content_object")

    def has_add_permission(self, request):
        return False  # comments come from readers; editors answer them with "Reply"

    @admin.display(description=_("Author"), ordering="user_name")
    def author(self, comment):
        return format_html("{}<br><small>{}</small>", comment.name, comment.user_email)

    @admin.display(description=_("Comment"))
    def excerpt(self, comment):
        text = comment.comment
        return text if len(text) <= 90 else text[:90] + "\u2026"

    @admin.display(description=_("In response to"))
    def in_response_to(self, comment):
        post = comment.content_object
        if post is None:
            return "\u2014"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), post.display_title)

    def _set_state(self, request, queryset, state):
        changed = 0
        with transaction.atomic():
            for comment in queryset.exclude(state=state):
                comment.state = state
                comment.save(update_fields=["state", "is_public", "is_removed"])
                if state == State.APPROVED:
                    notifications.after_approval(comment)
                changed += 1
        message = gettext("%(count)d comment(s) marked %(state)s.") % {
            "count": changed,
            "state": State(state).label.lower(),
        }
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        self._set_state(request, queryset, State.APPROVED)

    @admin.action(description=_("Unapprove"), permissions=["change"])
    def unapprove(self, request, queryset):
        self._set_state(request, queryset, State.PENDING)

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_state(request, queryset, State.SPAM)

    @admin.action(description=_("Move to Trash"), permissions=["change"])
    def move_to_trash(self, request, queryset):
        self._set_state(request, queryset, State.TRASH)

    def save_model(self, request, comment, form, change):
        was_approved = change and Comment.objects.filter(pk=comment.pk, state=State.APPROVED)
        super().save_model(request, comment, form, change)
        if comment.state == State.APPROVED and not was_approved.exists():
            notifications.after_approval(comment)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/reply/", view(self.reply_view), name="comments_comment_reply"),
            path(
                "<int:pk>/moderate/<str:action>/",
                view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def reply_view(self, request, pk):
        """Answer a comment from the admin, as the signed-in editor; the reply is approved."""
        parent = get_object_or_404(Comment, pk=pk)
        if not self.has_change_permission(request, parent):
            return redirect("admin:index")
        form = ReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = request.user
            with transaction.atomic():
                if parent.state != State.APPROVED:
                    parent.state = State.APPROVED  # replying approves, as in WordPress
                    parent.save(update_fields=["state", "is_public", "is_removed"])
                reply = Comment(
                    content_type=parent.content_type,
                    object_pk=parent.object_pk,
                    site_id=parent.site_id,
                    user=user,
                    user_name=user.get_full_name() or user.get_username(),
                    user_email=user.email,
                    comment=form.cleaned_data["comment"],
                    submit_date=timezone.now(),
                    parent_id=parent.pk,
                    kind=Kind.COMMENT,
                    ip_address=request.META.get("REMOTE_ADDR"),
                    state=State.APPROVED,
                )
                reply.save()
                notifications.after_commit(reply)
            self.message_user(request, _("Reply posted."), messages.SUCCESS)
            return redirect("admin:comments_comment_changelist")
        return self._page(
            request,
            "reply.html",
            _("Reply to %(name)s") % {"name": parent.name},
            parent=parent,
            form=form,
        )

    def moderate_view(self, request, pk, action):
        """The approve / spam / trash links of the moderation e-mail: confirm, then act."""
        states = {"approve": State.APPROVED, "spam": State.SPAM, "trash": State.TRASH}
        comment = get_object_or_404(Comment, pk=pk)
        if action not in states or not self.has_change_permission(request, comment):
            return redirect("admin:index")
        if request.method == "POST":
            self._set_state(request, Comment.objects.filter(pk=pk), states[action])
            return redirect(reverse("admin:comments_comment_changelist") + "?state__exact=pending")
        return self._page(
            request, "moderate.html", MODERATE_TITLES[action], comment=comment, action=action
        )

    def _page(self, request, template, title, **context):
        """One of this admin's own pages, inside the admin's frame."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return TemplateResponse(request, f"admin/comments/comment/{template}", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "reply_url": reverse("admin:comments_comment_reply", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)


def pending_count_in_menu(get_app_list):
    """Show "Comments (N)" in the admin menu while N comments await moderation."""

    def app_list(request, app_label=None):
        apps = get_app_list(request, app_label)
        pending = None
        for app in apps:
            for model in app["models"]:
                if model["object_name"] == "Comment":
                    if pending is None:
                        pending = Comment.objects.filter(state=State.PENDING).count()
                    if pending:
                        model["name"] = _("Comments (%(count)d)") % {"count": pending}
        return apps

    return app_list


admin.site.get_app_list = pending_count_in_menu(admin.site.get_app_list)


class OutgoingPingInline(admin.TabularInline):
    """What a post pinged when it was published, and what each site answered."""

    model = OutgoingPing
    extra = 0
    can_delete = False
    fields = ["url", "server", "outcome", "succeeded", "pinged_at"]
    readonly_fields = fields
    verbose_name_plural = _("Pingbacks sent")

    def has_add_permission(self, request, obj=None):
        return False


# The post form is the content app's; discussion adds what the post pinged to it.
post_admin = admin.site.get_model_admin(Post)
post_admin.inlines = [*post_admin.inlines, OutgoingPingInline]
