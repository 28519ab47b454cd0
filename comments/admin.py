"""Comment moderation in the admin: WordPress's queue, bulk actions, reply and e-mail links."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import BadRequest
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from blog import discussion
from blog.admin.selection import SelectionByKey
from blog.admin.undo import UndoMixin
from blog.clients import client_ip
from blog.converters import parse_id
from blog.dates import list_date

from . import notifications
from .models import Comment, Kind, OutgoingPing, State

DATE_PARTS = ("year", "month", "day")  # the date drill-down of the comment list
MODERATE_TITLES = {
    "approve": _("Approve comment"),
    "unapprove": _("Unapprove comment"),
    "spam": _("Spam comment"),
    "trash": _("Trash comment"),
}


class PostFilter(admin.SimpleListFilter):
    """?object_pk=ID: the comments of one post (the posts list links here)."""

    title = _("post")
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
                "display": _("Only: %(post)s (show all)")
                % {"post": post.display_title if post else self.value()},
            }
        else:
            yield {"selected": True, "query_string": "?", "display": _("All posts")}


class ReplyForm(forms.Form):
    comment = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))


class CommentStatusFilter(admin.SimpleListFilter):
    """WordPress's views of the comments screen: All (pending and approved), Mine, Pending,
    Approved, Spam, Trash — shown as links with their counts above the list."""

    title = _("status")
    parameter_name = "comment_status"
    VIEWS = {
        "all": (_("All"), Q(state__in=[State.PENDING, State.APPROVED])),
        "mine": (_("Mine"), None),
        "moderated": (_("Pending"), Q(state=State.PENDING)),
        "approved": (_("Approved"), Q(state=State.APPROVED)),
        "spam": (_("Spam"), Q(state=State.SPAM)),
        "trash": (_("Trash"), Q(state=State.TRASH)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.VIEWS.items()]

    def queryset(self, request, queryset):
        return self.narrow(request, queryset, self.value() or "all")

    @classmethod
    def narrow(cls, request, queryset, view):
        if view == "mine":
            return queryset.filter(user=request.user).exclude(state__in=[State.SPAM, State.TRASH])
        return queryset.filter(cls.VIEWS.get(view, cls.VIEWS["all"])[1])

    def choices(self, changelist):
        for key, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "all") == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }


PAST_TENSE = {
    State.APPROVED: _("approved"),
    State.PENDING: _("unapproved"),
    State.SPAM: _("marked as spam"),
    State.TRASH: _("moved to the Trash"),
}


@admin.register(Comment)
class CommentAdmin(SelectionByKey, UndoMixin, admin.ModelAdmin):
    list_display = ["author", "comment_with_actions", "in_response_to", "submitted_on"]
    list_display_links = None
    list_filter = [CommentStatusFilter, "kind", PostFilter]
    ordering = ["-submit_date", "-pk"]
    change_list_template = "admin/comments/comment/change_list.html"
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
        approved_on_post = (
            discussion.approved_comments()
            .filter(object_pk=OuterRef("object_pk"))
            .order_by()
            .values("object_pk")
            .annotate(n=Count("pk"))
            .values("n")
        )
        queryset = queryset.annotate(post_comment_count=Subquery(approved_on_post))
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

    @admin.display(description=_("Author"), ordering="user_name")
    def author(self, comment):
        return format_html(
            "<strong>{}</strong><br><small>{}</small><br><small>{}</small>",
            comment.name,
            comment.user_email,
            comment.ip_address or "",
        )

    @admin.display(description=_("Comment"))
    def comment_with_actions(self, comment):
        """The text, with WordPress's row actions (shown on hover or keyboard focus)."""
        text = comment.comment if len(comment.comment) <= 300 else comment.comment[:300] + "\u2026"
        actions = []
        if comment.state == State.APPROVED:
            actions.append(("unapprove", gettext("Unapprove")))
        elif comment.state in (State.PENDING, State.SPAM, State.TRASH):
            actions.append(("approve", gettext("Approve")))
        link = lambda action: reverse("admin:comments_comment_moderate", args=[comment.pk, action])  # noqa: E731
        items = [
            format_html('<a href="{}" class="row-action" data-post="1">{}</a>', link(a), label)
            for a, label in actions
        ]
        items.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:comments_comment_reply", args=[comment.pk]),
                gettext("Reply"),
            )
        )
        items.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:comments_comment_change", args=[comment.pk]),
                gettext("Quick Edit"),
            )
        )
        if comment.state != State.SPAM:
            items.append(
                format_html(
                    '<a href="{}" class="row-action spam" data-post="1">{}</a>',
                    link("spam"),
                    gettext("Spam"),
                )
            )
        if comment.state != State.TRASH:
            items.append(
                format_html(
                    '<a href="{}" class="row-action trash" data-post="1">{}</a>',
                    link("trash"),
                    gettext("Trash"),
                )
            )
        kind = (
            ""
            if comment.kind == Kind.COMMENT
            else format_html("<em>{}:</em> ", comment.get_kind_display())
        )
        return format_html(
            '<div class="comment-{}">{}{}</div><div class="row-actions">{}</div>',
            comment.state,
            kind,
            text,
            format_html_join(" | ", "{}", ((item,) for item in items)),
        )

    @admin.display(description=_("In response to"))
    def in_response_to(self, comment):
        post = comment.content_object
        if post is None:
            return "\u2014"
        count = getattr(comment, "post_comment_count", None) or 0
        return format_html(
            '<a href="{}">{}</a> <span class="comment-count" title="{}">{}</span>'
            '<br><a href="{}">{}</a>',
            reverse("admin:comments_comment_changelist") + f"?object_pk={post.pk}",
            post.display_title,
            gettext("Approved comments"),
            count,
            post.get_absolute_url(),
            gettext("View Post"),
        )

    @admin.display(description=_("Submitted on"), ordering="submit_date")
    def submitted_on(self, comment):
        when = list_date(comment.submit_date)
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), when)

    def changelist_view(self, request, extra_context=None):
        """WordPress's views above the list, each with its count."""
        # Django's date drill-down reads these with int() and datetime(), catching ValueError
        # but not the OverflowError of a number beyond C's int.
        if any(len(request.GET.get(f"submit_date__{part}", "")) > 4 for part in DATE_PARTS):
            raise BadRequest("That date is not in the calendar.")
        mine = discussion.discussed_by(request.user, Comment.objects.all())
        current = request.GET.get(CommentStatusFilter.parameter_name, "all")
        base = reverse("admin:comments_comment_changelist")
        views = [
            {
                "label": label,
                "count": CommentStatusFilter.narrow(request, mine, key).count(),
                "url": f"{base}?{CommentStatusFilter.parameter_name}={key}",
                "current": key == current,
                "key": key,
            }
            for key, (label, _) in CommentStatusFilter.VIEWS.items()
        ]
        return super().changelist_view(request, {**(extra_context or {}), "status_views": views})

    def _set_state(self, request, queryset, state):
        previous = {}
        queryset = discussion.moderated_by(request.user, queryset)
        with transaction.atomic():
            for comment in queryset.exclude(state=state):
                previous[comment.pk] = comment.state
                comment.state = state
                comment.save(update_fields=["state", "is_public", "is_removed"])
                if state == State.APPROVED:
                    notifications.after_approval(comment)
        message = ngettext(
            "%(count)d comment %(done)s.", "%(count)d comments %(done)s.", len(previous)
        ) % {"count": len(previous), "done": PAST_TENSE[state]}
        if state in (State.SPAM, State.TRASH):
            message = self.undo_message(request, message, state, previous)
        self.message_user(request, message, messages.SUCCESS)

    def undo(self, request, moved_to, previous):
        """Put back what the Undo names: comments still where the action left them."""
        restored = 0
        comments = discussion.moderated_by(request.user, Comment.objects.all())
        with transaction.atomic():
            for comment in comments.filter(pk__in=previous, state=moved_to):
                comment.state = previous[comment.pk]
                comment.save(update_fields=["state", "is_public", "is_removed"])
                restored += 1
        template = (
            ngettext(
                "%(count)d comment restored from the spam.",
                "%(count)d comments restored from the spam.",
                restored,
            )
            if moved_to == State.SPAM
            else ngettext(
                "%(count)d comment restored from the Trash.",
                "%(count)d comments restored from the Trash.",
                restored,
            )
        )
        return template % {"count": restored}

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
        was_approved = change and Comment.objects.approved().filter(pk=comment.pk)
        super().save_model(request, comment, form, change)
        if comment.state == State.APPROVED and not was_approved.exists():
            notifications.after_approval(comment)

    def get_object(self, request, object_id, from_field=None):
        # A comment's key is a one-to-one link, which Django checks for no integer overflow.
        if from_field is None and parse_id(object_id) is None:
            return None
        return super().get_object(request, object_id, from_field)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<id:pk>/reply/", view(self.reply_view), name="comments_comment_reply"),
            path(
                "<id:pk>/moderate/<str:action>/",
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
        states = {
            "approve": State.APPROVED,
            "unapprove": State.PENDING,
            "spam": State.SPAM,
            "trash": State.TRASH,
        }
        comment = get_object_or_404(Comment, pk=pk)
        if action not in states or not self.has_change_permission(request, comment):
            return redirect("admin:index")
        if request.method == "POST":
            self._set_state(request, Comment.objects.filter(pk=pk), states[action])
            back = request.POST.get("next", "")
            if not back.startswith(reverse("admin:comments_comment_changelist")):
                back = reverse("admin:comments_comment_changelist") + "?comment_status=moderated"
            return redirect(back)
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
        extra_context = extra_context or {}
        if (pk := parse_id(object_id)) is not None:  # else Django answers "doesn't exist"
            reply_url = reverse("admin:comments_comment_reply", args=[pk])
            extra_context = {**extra_context, "reply_url": reply_url}
        return super().change_view(request, object_id, form_url, extra_context)


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
