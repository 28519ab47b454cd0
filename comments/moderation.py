"""The discussion policy: whether a new comment may be saved, and in which state.

Every way a comment arrives (the form, pingbacks, trackbacks) asks here, in WordPress's order:
the form validates the fields, then duplicates (409), then flooding (429), then the moderation
rules decide between approved, pending and trash, and the optional spam check may say spam.
"""

import datetime
import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blog.models import SiteOptions

from . import spam
from .models import Comment, Kind, State

FLOOD_SECONDS = 15
LINK_RE = re.compile(r"(href\t*?=\t*?['\"]?)?(https?:)?//", re.IGNORECASE)


class Rejected(Exception):
    """A comment that must not be saved, with the message and HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def check_open(post, kind=Kind.COMMENT):
    if not post.is_published:
        raise Rejected(_("Sorry, this item is not available."), status=404)
    if kind == Kind.COMMENT and not post.comments_open:
        raise Rejected(_("Sorry, comments are closed for this item."), status=403)
    if kind == Kind.TRACKBACK and not post.pings_open:
        raise Rejected(_("Sorry, trackbacks are closed for this item."), status=403)
    if kind == Kind.PINGBACK and not post.pings_open:
        raise Rejected(_("Sorry, pingbacks are closed for this item."), status=403)


def check_parent(post, parent_id):
    """A reply must answer an approved comment of the same post, above the depth limit."""
    if not parent_id:
        return None
    parent = Comment.objects.for_model(post).approved().filter(pk=parent_id).first()
    if parent is None:
        raise Rejected(_("Error: The comment you are replying to does not exist on this post."))
    if parent.level + 1 >= SiteOptions.get().comment_depth:
        raise Rejected(
            _("Error: Replies to this comment are not allowed (the thread is too deep).")
        )
    return parent


def is_privileged(user, post):
    """The post's author and comment moderators skip moderation, as in WordPress."""
    if user is None or not user.is_authenticated:
        return False
    return user.pk == post.author_id or user.has_perm("comments.change_comment")


def check_duplicate(comment):
    same_author = Q(user_name=comment.user_name)
    if comment.user_email:
        same_author |= Q(user_email=comment.user_email)
    duplicate = (
        Comment.objects.filter(
            content_type=comment.content_type, object_pk=comment.object_pk, comment=comment.comment
        )
        .filter(same_author)
        .exclude(state=State.TRASH)
    )
    if duplicate.exists():
        raise Rejected(
            _("Duplicate comment detected; it looks as though you’ve already said that!"),
            status=409,
        )


def check_flood(comment):
    since = timezone.now() - datetime.timedelta(seconds=FLOOD_SECONDS)
    same_sender = Q()
    if comment.ip_address:
        same_sender |= Q(ip_address=comment.ip_address)
    if comment.user_email:
        same_sender |= Q(user_email=comment.user_email)
    if same_sender and Comment.objects.filter(same_sender, submit_date__gte=since).exists():
        raise Rejected(_("You are posting comments too quickly. Slow down."), status=429)


def _keys(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def matches_keys(comment, keys):
    fields = [
        comment.user_name,
        comment.user_email,
        comment.user_url,
        comment.comment,
        comment.ip_address or "",
        comment.user_agent,
    ]
    haystacks = [field.lower() for field in fields if field]
    return any(key.lower() in haystack for key in keys for haystack in haystacks)


def passes_moderation_rules(comment, options):
    """WordPress's check_comment(): True when nothing asks for a human to look first."""
    if options.comment_moderation:
        return False
    if options.comment_max_links and len(LINK_RE.findall(comment.comment)) >= (
        options.comment_max_links
    ):
        return False
    if matches_keys(comment, _keys(options.moderation_keys)):
        return False
    if options.comment_previously_approved:
        if comment.kind != Kind.COMMENT or not comment.user_name or not comment.user_email:
            return False
        return (
            Comment.objects.approved()
            .filter(user_name=comment.user_name, user_email=comment.user_email)
            .exists()
        )
    return True


def moderate(comment, post, user=None):
    """Reject the comment (raises Rejected) or set its state; saves nothing."""
    options = SiteOptions.get()
    privileged = is_privileged(user, post)
    check_duplicate(comment)
    if not privileged:
        check_flood(comment)
    if privileged or passes_moderation_rules(comment, options):
        comment.state = State.APPROVED
    else:
        comment.state = State.PENDING
    if matches_keys(comment, _keys(options.disallowed_keys)):
        comment.state = State.TRASH
    elif not privileged:
        answer = spam.verdict(comment, post)
        if answer == spam.SPAM:
            comment.state = State.SPAM
        elif answer == spam.UNKNOWN:
            comment.state = State.PENDING
    return comment
