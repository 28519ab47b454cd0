"""WordPress's capabilities over entries, one definition for every way in: the admin, the
REST API and XML-RPC. Posts and pages share one table and one set of permissions (blog.*_post);
pages also need blog.edit_pages."""

from .models import PostType, Status


def may_write(user, post_type=PostType.POST):
    """May create entries of this type (posts, or pages with edit_pages)."""
    return user.has_perm("blog.add_post") and _type_allowed(user, post_type)


def may_publish(user):
    return user.has_perm("blog.publish_posts")


def may_edit_others(user):
    return user.has_perm("blog.edit_others_posts")


def may_edit(user, entry):
    """Editors edit anything; others their own entries, and Contributors (who cannot publish)
    only while their entry is a draft or pending review."""
    if not (user.has_perm("blog.change_post") and _type_allowed(user, entry.post_type)):
        return False
    if may_edit_others(user):
        return True
    if entry.author_id != user.pk:
        return False
    return may_publish(user) or entry.status in (Status.DRAFT, Status.PENDING)


def may_delete(user, entry):
    return user.has_perm("blog.delete_post") and may_edit(user, entry)


def may_stick(user):
    """Making a post sticky is publishing a choice about the front page: not for Contributors."""
    return may_publish(user)


def editable(user, entries):
    """The entries of `entries` this user may edit (the list the admin shows them)."""
    if not user.has_perm("blog.change_post"):
        return entries.none()
    if not _type_allowed(user, PostType.PAGE):
        entries = entries.exclude(post_type=PostType.PAGE)
    if may_edit_others(user):
        return entries
    return entries.filter(author=user)


def _type_allowed(user, post_type):
    return post_type != PostType.PAGE or user.has_perm("blog.edit_pages")
