"""Keeps derived data current when content changes."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search, widgets
from .models import Category, Post, PostViews, Tag


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
def update_search_index(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(partial(search.index_post, instance.pk))
