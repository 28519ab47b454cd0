"""WordPress's roles as Django groups: what each may do. The groups are kept in step after every
migrate and flush (post_migrate); who sees and changes which entry is enforced in the admin
(blog/admin/entries.py)."""

ADMINISTRATOR, EDITOR, AUTHOR, CONTRIBUTOR = "Administrator", "Editor", "Author", "Contributor"

ROLES = {
    ADMINISTRATOR: "*",
    EDITOR: [
        "blog.add_post",
        "blog.change_post",
        "blog.delete_post",
        "blog.view_post",
        "blog.publish_posts",
        "blog.edit_others_posts",
        "blog.read_private_posts",
        "blog.edit_pages",
        "blog.add_category",
        "blog.change_category",
        "blog.delete_category",
        "blog.view_category",
        "blog.add_tag",
        "blog.change_tag",
        "blog.delete_tag",
        "blog.view_tag",
        "blog.add_media",
        "blog.change_media",
        "blog.delete_media",
        "blog.view_media",
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
    ],
    AUTHOR: [
        "blog.add_post",
        "blog.change_post",
        "blog.delete_post",
        "blog.view_post",
        "blog.publish_posts",
        "blog.view_category",
        "blog.add_tag",
        "blog.view_tag",
        "blog.add_media",
        "blog.change_media",
        "blog.delete_media",
        "blog.view_media",
        "comments.view_comment",
    ],
    CONTRIBUTOR: [
        "blog.add_post",
        "blog.change_post",
        "blog.delete_post",
        "blog.view_post",
        "blog.view_category",
        "blog.view_tag",
    ],
}


def restore_roles(sender, **kwargs):
    """After every migrate or flush (post_migrate): the groups exist with their permissions."""
    from django.contrib.auth.models import Group, Permission

    ensure_roles(Group, Permission)


def ensure_roles(Group, Permission):  # noqa: N803 (model classes)
    for role, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        if permissions == "*":
            group.permissions.set(Permission.objects.all())
            continue
        wanted = [codename.split(".") for codename in permissions]
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in={app for app, _ in wanted},
                codename__in={codename for _, codename in wanted},
            ).filter(_matches(wanted))
        )


def _matches(wanted):
    from django.db.models import Q

    query = Q(pk__in=[])
    for app, codename in wanted:
        query |= Q(content_type__app_label=app, codename=codename)
    return query
