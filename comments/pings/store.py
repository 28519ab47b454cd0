"""Pingbacks and trackbacks become comments one way: the same moderation policy as the form
(duplicates, flood, the rules), saved and announced after commit."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from blog.models import Post

from .. import moderation, notifications
from ..models import Comment, State


def already_pinged(post, kind, url):
    """A ping of `kind` from `url` is on this post already (the trash does not count)."""
    return (
        Comment.objects.for_model(post)
        .filter(kind=kind, user_url=url)
        .exclude(state=State.TRASH)
        .exists()
    )


def record(post, kind, name, url, text, *, ip=None, user_agent=""):
    """Save the ping as a comment of `kind`; raises moderation.Rejected as a comment would."""
    name, url, text = (value.replace("\x00", "") for value in (name, url, text))  # NUL: never text
    comment = Comment(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        user_name=name[:245],
        user_email="",
        user_url=url,
        comment=text,
        kind=kind,
        submit_date=timezone.now(),
        ip_address=ip,
        user_agent=user_agent[:255],
    )
    moderation.moderate(comment, post)
    with transaction.atomic():
        comment.save()
        notifications.after_commit(comment)
    return comment
