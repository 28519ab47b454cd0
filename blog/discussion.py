"""What the content app reads of discussion, through django_comments' public API alone (the
comments app is never imported here): approved and held comments in django_comments' own
vocabulary, and whose discussion a user may moderate."""

import django_comments
from django.contrib.contenttypes.models import ContentType

from .models import Post


def comments():
    """Comments on entries."""
    return django_comments.get_model().objects.filter(
        content_type=ContentType.objects.get_for_model(Post)
    )


def approved_comments():
    """Approved comments, as django_comments names them: public and not removed. The comments
    app defines "approved" by its own state and keeps these two flags in step with it."""
    return comments().filter(is_public=True, is_removed=False)


def held_comments():
    """Comments awaiting moderation: neither public nor removed (spam or trash)."""
    return comments().filter(is_public=False, is_removed=False)


def moderated_by(user, queryset):
    """Of `queryset`'s comments, those on entries whose discussion `user` moderates: every
    entry's with edit_others_posts, else only their own entries' (WordPress's rule)."""
    if user.has_perm("blog.edit_others_posts"):
        return queryset
    return queryset.filter(object_pk__in=Post.objects.filter(author=user).as_comment_keys())
