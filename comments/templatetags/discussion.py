"""Template tags a theme uses to show a post's discussion and its Leave a Reply form."""

import hashlib

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from blog import fill, themes
from blog.converters import parse_id
from blog.freshness import options_fingerprint
from blog.models import SiteOptions
from blog.version_memo import read_through

from .. import cookies
from ..forms import CommentForm
from ..markup import render_comment_text
from ..models import Comment
from ..thread_cache import fragment_key, version
from ..tree import build_thread, comment_page_url, held_comment_id, paginate, shown_comments

register = template.Library()


def _held_id(request):
    """The held comment this reader may see: theirs, through its signed link."""
    if (unapproved := parse_id(request.GET.get("unapproved"))) is not None:
        signed_id = held_comment_id(request.GET.get("moderation-hash"))
        return signed_id if signed_id == unapproved else None
    return None


@register.simple_tag(takes_context=True)
def comment_thread_key(context, post):
    """The cache key of the discussion this reader sees (see comments/thread_cache.py)."""
    request = context["request"]
    return fragment_key(post, SiteOptions.get(), context.get("comment_page"), _held_id(request))


@register.simple_tag(takes_context=True)
def comment_thread(context, post):
    """The comments this reader sees on this comment page (`comment_page` in the context)."""
    request, options = context["request"], SiteOptions.get()
    held_id = _held_id(request)
    thread = build_thread(shown_comments(post, held_id), options.comment_depth)
    page = paginate(thread, options, context.get("comment_page"))
    if page is None:
        thread.roots = []
        return thread
    return page


@register.simple_tag
def comment_page_link(post, page):
    return comment_page_url(post, page, SiteOptions.get())


FORM_TIMEOUT = 86400


def _form_key(request, post):
    """What the rendered form depends on; None for a reader whose own details fill it in."""
    if cookies.remembered(request):
        return None
    user = request.user
    who = f"{user.pk}:{user.get_full_name()}:{user.get_username()}" if user.is_authenticated else ""
    reply_to = request.GET.get("replytocom", "")
    parts = (
        post.pk,
        post.updated_at.timestamp() if post.updated_at else "",
        post.comments_open,
        options_fingerprint(SiteOptions.get()),
        translation.get_language(),
        who,
        reply_to if reply_to.isdigit() else "",
        version(post.pk) if reply_to else "",  # the comment replied to may have changed
    )
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"inkwell:comment-form:{digest}"


@register.simple_tag(takes_context=True)
def comment_form_html(context, post):
    """The Leave a Reply form. It is the same for every anonymous reader of the post (and for
    each signed-in user), so it is cached with its CSRF token and one-time fields as markers,
    which the view fills in for each response (blog/fill.py)."""

    def render():
        template_ = themes.get_template(["partials/comment-form.html"]).template
        with context.push(csrf_token=fill.marker("csrf")):
            return template_.render(context)

    key = _form_key(context["request"], post)
    html = read_through(key, render, FORM_TIMEOUT) if key else render()
    return mark_safe(html)  # noqa: S308 - rendered by the theme's template, escaped there


@register.simple_tag
def comment_form_one_time_fields(post):
    """The form's timestamp, its signature and the single-use token: new on every response."""
    return mark_safe(fill.marker("comment-form", post.pk))  # noqa: S308 - letters and digits


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
    """The text as rendered when the comment was saved (rendered now for rows written in bulk)."""
    if comment.comment_html or not comment.comment:
        return mark_safe(comment.comment_html)  # noqa: S308 - sanitised by render_comment_text
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
