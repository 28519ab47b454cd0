"""WordPress's capabilities over entries, one definition for every way in: the admin, the
REST API and XML-RPC. Posts and pages share one table and one set of permissions (blog.*_post);
pages also need blog.edit_pages."""

from .models import PostType


def may_write(user, post_type=PostType.POST):
    """May create entries of this type (posts, or pages with edit_pages)."""
    return user.has_perm("blog.add_post") and _type_allowed(user, post_type)


def may_publish(user):
    return user.has_perm("blog.publish_posts")


def may_edit_others(user):
    return user.has_perm("blog.edit_others_posts")


def may_edit(user, entry):
    """Editors edit anything; others their own entries, and Contributors (who cannot publish)
    only while their entry is a draft or pending review (`Post.is_editable_by`)."""
    return _type_allowed(user, entry.post_type) and entry.is_editable_by(user)


def may_delete(user, entry):
    return user.has_perm("blog.delete_post") and may_edit(user, entry)


def may_stick(user):
    """Making a post sticky is publishing a choice about the front page: not for Contributors."""
    return may_publish(user)


def editable(user, entries):
    """The entries of `entries` this user may edit (`PostQuerySet.editable_by`)."""
    entries = entries.editable_by(user)
    return (
        entries if _type_allowed(user, PostType.PAGE) else entries.exclude(post_type=PostType.PAGE)
    )


def _type_allowed(user, post_type):
    return post_type != PostType.PAGE or user.has_perm("blog.edit_pages")
