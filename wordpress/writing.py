"""Writing entries from the APIs through the admin's own form (`blog.forms.EntryForm`), so an
entry saved by an app obeys exactly the rules of one saved in the admin: the role's
capabilities (blog/capabilities.py), HTML sanitising, who may publish."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from blog import capabilities
from blog.clients import client_ip
from blog.forms import EntryForm
from blog.models import Post, PostType, SiteOptions, Status
from comments import moderation, notifications
from comments.models import Comment, Kind


class WriteError(Exception):
    """Why a write was refused: `forbidden` (the role may not) or `invalid` (the data)."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind, self.message = kind, message


PUBLISHED = (Status.PUBLISH, Status.FUTURE, Status.PRIVATE)


def save_entry(user, values, entry=None, post_type=PostType.POST):
    """Create (entry None) or update an entry from `values` (EntryForm's field names;
    `categories`/`tags` as IDs, `new_tags` as names). Returns the saved entry."""
    if entry is None:
        if not capabilities.may_write(user, post_type):
            raise WriteError(
                "forbidden", "Sorry, you are not allowed to create posts as this user."
            )
        options = SiteOptions.get()
        entry = Post(post_type=post_type, author=user)
        initial = {
            "status": Status.DRAFT,
            "published_at": timezone.now(),
            "author": user.pk,
            "comment_status": options.default_comment_status,
            "ping_status": options.default_ping_status,
            "menu_order": 0,
        }
    else:
        if not capabilities.may_edit(user, entry):
            raise WriteError("forbidden", "Sorry, you are not allowed to edit this post.")
        initial = _current(entry)
    values = dict(values)
    if values.get("is_sticky") and not capabilities.may_stick(user):
        raise WriteError("forbidden", "Sorry, you are not allowed to make posts sticky.")
    changes_author = "author" in values and values["author"] != (entry.author_id or user.pk)
    if changes_author and not capabilities.may_edit_others(user):
        raise WriteError("forbidden", "Sorry, you are not allowed to edit posts as this user.")
    status = values.get("status")
    if status in PUBLISHED and status != entry.status and not capabilities.may_publish(user):
        raise WriteError(
            "forbidden", "Sorry, you are not allowed to publish posts in this post type."
        )
    form_class = type("APIEntryForm", (EntryForm,), {"user": user})  # as the admin builds it
    form = form_class(data={**initial, **values}, instance=entry)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise WriteError("invalid", f"{field}: {errors[0]}" if field != "__all__" else errors[0])
    saved = form.save(commit=False)
    saved.post_type = post_type if entry.pk is None else entry.post_type
    saved.save()
    form.save_m2m()
    form.save_tags(saved)
    return saved


def _current(entry):
    data = model_to_dict(entry, fields=EntryForm._meta.fields)
    data["categories"] = [c.pk for c in entry.categories.all()]
    data["tags"] = [t.pk for t in entry.tags.all()]
    return {key: ("" if value is None else value) for key, value in data.items()}


def trash_entry(user, entry, force=False):
    """Move to the Trash (WordPress's delete), or delete for good with `force`."""
    if not capabilities.may_delete(user, entry):
        raise WriteError("forbidden", "Sorry, you are not allowed to delete this post.")
    if force:
        entry.delete()
    else:
        entry.status = Status.TRASH
        entry.save()


def save_comment(request, post, text, parent=0):
    """A comment by the signed-in API caller, through the site's moderation (a
    `comments.moderation.Rejected` says why not) and announced after commit."""
    user = request.user
    comment = Comment(
        content_type=ContentType.objects.get_for_model(Post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        user=user,
        user_name=(user.get_full_name() or user.get_username())[:245],
        user_email=user.email,
        comment=text,
        kind=Kind.COMMENT,
        submit_date=timezone.now(),
        ip_address=client_ip(request),
        parent_id=parent,
    )
    moderation.moderate(comment, post, user)
    with transaction.atomic():
        comment.save()
        notifications.after_commit(comment)
    return comment
