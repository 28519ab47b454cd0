"""Comment moderation in the admin: WordPress's queue, bulk actions, reply and e-mail links."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from blog import discussion
from blog.clients import client_ip
from blog.converters import parse_id

from . import notifications
from .models import Comment, Kind, OutgoingPing, State


class PostFilter(admin.SimpleListFilter):
    """?object_pk=ID: the comments of one post (the posts list links here)."""

    title = "post"
    parameter_name = "object_pk"

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(request, *args, **kwargs)

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
            number = parse_id(self.value())
            entries = discussion.entries_discussed_by(self.request.user)
            post = entries.filter(pk=number).first() if number else None
            yield {
                "selected": True,
                "query_string": changelist.get_query_string(remove=[self.parameter_name]),
                "display": f"Only: {post.display_title if post else self.value()} (show all)",
            }
        else:
            yield {"selected": True, "query_string": "?", "display": "All posts"}


class ReplyForm(forms.Form):
    comment = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 6}))


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

    def view_on_site(self, comment):
        """The comment where readers see it: its post's page, at this admin's address."""
        if comment.state != "approved":
            return None
        return comment.get_absolute_url()

    # Who sees and moderates which comment is WordPress's rule: a comment goes with its entry,
    # so editors see and moderate all of them; Authors and Contributors see those on their own
    # entries and moderate those on entries they may edit (blog.discussion); nobody sees the
    # e-mail, IP or user agent of commenters on other people's entries.

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("content_object")
        return discussion.discussed_by(request.user, queryset)

    def _writes_entries(self, request):
        return request.user.has_perm("blog.change_post")

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._writes_entries(request)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or self._writes_entries(request)
        return allowed and (obj is None or discussion.sees(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj) or self._writes_entries(request)
        return allowed and (obj is None or discussion.moderates(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or discussion.moderates(request.user, obj))

    def has_add_permission(self, request):
        return False  # comments come from readers; editors answer them with "Reply"

    @admin.display(description="Author", ordering="user_name")
    def author(self, comment):
        return format_html("{}<br><small>{}</small>", comment.name, comment.user_email)

    @admin.display(description="Comment")
    def excerpt(self, comment):
        text = comment.comment
        return text if len(text) <= 90 else text[:90] + "\u2026"

    @admin.display(description="In response to")
    def in_response_to(self, comment):
        post = comment.content_object
        if post is None:
            return "\u2014"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), post.display_title)

    def _set_state(self, request, queryset, state):
        changed = 0
        queryset = discussion.moderated_by(request.user, queryset)
        with transaction.atomic():
            for comment in queryset.exclude(state=state):
                comment.state = state
                comment.save(update_fields=["state", "is_public", "is_removed"])
                if state == State.APPROVED:
                    notifications.after_approval(comment)
                changed += 1
        self.message_user(request, f"{changed} comment(s) marked {state}.", messages.SUCCESS)

    @admin.action(description="Approve", permissions=["change"])
    def approve(self, request, queryset):
        self._set_state(request, queryset, State.APPROVED)

    @admin.action(description="Unapprove", permissions=["change"])
    def unapprove(self, request, queryset):
        self._set_state(request, queryset, State.PENDING)

    @admin.action(description="Mark as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_state(request, queryset, State.SPAM)

    @admin.action(description="Move to Trash", permissions=["change"])
    def move_to_trash(self, request, queryset):
        self._set_state(request, queryset, State.TRASH)

    def save_model(self, request, comment, form, change):
        was_approved = change and Comment.objects.approved().filter(pk=comment.pk)
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
                    ip_address=client_ip(request),
                    state=State.APPROVED,
                )
                reply.save()
                notifications.after_commit(reply)
            self.message_user(request, "Reply posted.", messages.SUCCESS)
            return redirect("admin:comments_comment_changelist")
        return self._page(
            request, "reply.html", f"Reply to {parent.name}", parent=parent, form=form
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
            request, "moderate.html", f"{action.title()} comment", comment=comment, action=action
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


class OutgoingPingInline(admin.TabularInline):
    """What a post pinged when it was published, and what each site answered."""

    model = OutgoingPing
    extra = 0
    can_delete = False
    fields = ["url", "server", "outcome", "succeeded", "pinged_at"]
    readonly_fields = fields
    verbose_name_plural = "Pingbacks sent"

    def has_add_permission(self, request, obj=None):
        return False
