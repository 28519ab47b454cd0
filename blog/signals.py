"""Keeps derived data current when content changes."""

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import auth_backends, freshness, search, widgets
from .models import Category, Media, Post, PostViews, SiteOptions, Tag
from .roles import ROLES


@receiver(post_save, sender=Post)
def start_view_count(sender, instance, created, raw, **kwargs):
    if created and not raw:
        PostViews.objects.get_or_create(post=instance)


@receiver([post_save, post_delete], sender=Post)
@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=Tag)
def refresh_widgets(sender, **kwargs):
    widgets.invalidate()


@receiver([post_save, post_delete], sender=Post)
@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=Tag)
@receiver([post_save, post_delete], sender=Media)
@receiver(post_save, sender=SiteOptions)
@receiver(m2m_changed, sender=Post.categories.through)
@receiver(m2m_changed, sender=Post.tags.through)
def rendered_pages_are_stale(sender, action="post_", **kwargs):
    """Anything a reader sees changed: settings and theme included (see blog/freshness.py)."""
    if action.startswith("post_"):
        freshness.content_changed(schedule=sender is Post)


@receiver([post_save, post_delete])
def signed_in_users_are_read_again(sender, using=None, **kwargs):
    # Any sender: a proxy or subclass of the user model saves the same rows.
    if issubclass(sender, get_user_model()):
        auth_backends.users_changed(using)


@receiver(post_save, sender=get_user_model())
def author_names_are_stale(sender, update_fields=None, **kwargs):
    if update_fields is None or set(update_fields) - {"last_login", "password"}:
        freshness.content_changed()


@receiver([post_save, post_delete], sender=Post)
def update_search_index(sender, instance, raw=False, **kwargs):
    if not raw and search.indexing_after_commit():
        transaction.on_commit(partial(search.index_post, instance.pk))


@receiver(m2m_changed, sender=get_user_model().groups.through)
def role_members_reach_the_admin(sender, instance, action, pk_set, **kwargs):
    """Anyone given a WordPress role signs in to the admin (Django's is_staff)."""
    if action != "post_add" or not isinstance(instance, get_user_model()) or instance.is_staff:
        return
    if Group.objects.filter(pk__in=pk_set, name__in=ROLES).exists():
        instance.is_staff = True
        instance.save(update_fields=["is_staff"])


def name_the_site(sender, **kwargs):
    """The sites framework's one row says where this site is (never "example.com"), for any
    code that still asks it."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.INKWELL_SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": SiteOptions.get().title}
    )


@receiver(post_delete, sender=Media)
def remove_media_files(sender, instance, **kwargs):
    """A media item deleted for good takes its files with it, every size, once committed."""
    if not instance.file:
        return
    storage = instance.file.storage
    names = [instance.file.name, *(size["file"] for size in (instance.sizes or {}).values())]

    def remove():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
