"""What the content app reads of discussion, through django_comments' public API alone (the
comments app is never imported here): approved and held comments in django_comments' own
vocabulary, and whose discussion a user sees and moderates."""

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


def entries_discussed_by(user):
    """Entries whose discussion `user` sees in the admin, WordPress's rule: all with
    edit_others_posts, else only their own."""
    if user.has_perm("blog.edit_others_posts"):
        return Post.objects.all()
    return Post.objects.filter(author=user) if user.is_authenticated else Post.objects.none()


def discussed_by(user, queryset):
    """Of `queryset`'s comments, those `user` sees, with the commenters' details."""
    if user.has_perm("blog.edit_others_posts"):
        return queryset
    return queryset.filter(object_pk__in=entries_discussed_by(user).as_comment_keys())


def moderated_by(user, queryset):
    """Of `queryset`'s comments, those `user` may moderate: a comment goes with its entry, so
    those on entries the user may edit (`Post.objects.editable_by`)."""
    if user.has_perm("blog.edit_others_posts"):
        return queryset
    return queryset.filter(object_pk__in=Post.objects.editable_by(user).as_comment_keys())


def sees(user, comment):
    return discussed_by(user, comments().filter(pk=comment.pk)).exists()


def moderates(user, comment):
    return moderated_by(user, comments().filter(pk=comment.pk)).exists()
