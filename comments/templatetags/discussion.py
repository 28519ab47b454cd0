"""Template tags a theme uses to show a post's discussion and its Leave a Reply form."""

import hashlib

from django import template

from blog.models import SiteOptions

from .. import cookies
from ..forms import CommentForm
from ..markup import render_comment_text
from ..models import Comment
from ..tree import approved_comments, build_thread

register = template.Library()


@register.simple_tag
def comment_thread(post):
    return build_thread(approved_comments(post), SiteOptions.get().thread_comments_depth)


@register.simple_tag(takes_context=True)
def comment_form(context, post):
    """The reply form, pre-filled from the commenter cookies, answering ?replytocom=ID."""
    request = context["request"]
    form = CommentForm(post, initial=cookies.remembered(request))
    form.replying_to = None
    reply_to = request.GET.get("replytocom", "")
    if reply_to.isdigit():
        parent = (
            Comment.objects.for_model(post)
            .filter(pk=int(reply_to), is_public=True, is_removed=False)
            .first()
        )
        if parent is not None:
            form.initial["reply_to"] = parent.pk
            form.replying_to = parent
    return form


@register.filter
def comment_text(comment):
    return render_comment_text(comment.comment)


@register.filter
def avatar_hue(comment):
    """A stable colour for the author's initial, so avatars never load anything off-site."""
    key = (comment.user_email or comment.user_name or "").strip().lower().encode()
    return int(hashlib.sha256(key).hexdigest()[:4], 16) % 360


@register.filter
def responses_heading(count):
    if count == 0:
        return "No Responses"
    if count == 1:
        return "One Response"
    return f"{count} Responses"
