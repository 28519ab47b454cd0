"""Template tags a theme uses to show a post's discussion and its Leave a Reply form."""

import hashlib

from django import template

from blog.converters import parse_id
from blog.models import SiteOptions

from .. import cookies
from ..forms import CommentForm
from ..markup import render_comment_text
from ..models import Comment
from ..tree import build_thread, comment_page_url, held_comment_id, paginate, shown_comments

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, post):
    """The comments this reader sees on this comment page (`comment_page` in the context)."""
    request, options = context["request"], SiteOptions.get()
    held_id = None
    if (unapproved := parse_id(request.GET.get("unapproved"))) is not None:
        signed_id = held_comment_id(request.GET.get("moderation-hash"))
        held_id = signed_id if signed_id == unapproved else None
    thread = build_thread(shown_comments(post, held_id), options.comment_depth)
    page = paginate(thread, options, context.get("comment_page"))
    if page is None:
        thread.roots = []
        return thread
    return page


@register.simple_tag
def comment_page_link(post, page):
    return comment_page_url(post, page, SiteOptions.get())


@register.simple_tag(takes_context=True)
def comment_form(context, post):
    """The reply form, pre-filled from the commenter cookies, answering ?replytocom=ID."""
    request = context["request"]
    form = CommentForm(post, initial=cookies.remembered(request))
    form.replying_to = None
    if (reply_to := parse_id(request.GET.get("replytocom"))) is not None:
        parent = Comment.objects.for_model(post).approved().filter(pk=reply_to).first()
        if parent is not None:
            form.initial["reply_to"] = parent.pk
            form.replying_to = parent
    return form


@register.filter
def comment_text(comment):
    return render_comment_text(comment.comment)


@register.filter
def gravatar_url(comment, size=64):
    digest = hashlib.md5(comment.user_email.strip().lower().encode()).hexdigest()  # noqa: S324
    return f"https://www.gravatar.com/avatar/{digest}?s={size}&d=identicon&r=g"


@register.filter
def avatar_hue(comment):
    """A stable colour for the author's initial, so avatars never load anything off-site."""
    key = (comment.user_email or comment.user_name or "").strip().lower().encode()
    return int(hashlib.sha256(key).hexdigest()[:4], 16) % 360
