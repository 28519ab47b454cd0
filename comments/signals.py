"""Discussion changes that content caches must hear about, and outgoing pings on publish."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from blog import widgets
from blog.models import PUBLISHED_STATUSES, Discussion, Post

from .markup import render_comment_text
from .models import Comment
from .pings.outgoing import send_pings
from .thread_cache import discussion_changed

_pings_paused = ContextVar("pings_paused", default=False)


@contextmanager
def no_outgoing_pings():
    """Saves inside this block queue no pingbacks (an import restores, it does not publish)."""
    token = _pings_paused.set(True)
    try:
        yield
    finally:
        _pings_paused.reset(token)


@receiver([post_save, post_delete], sender=Comment)
def refresh_widgets(sender, **kwargs):
    widgets.invalidate()


@receiver(pre_save, sender=Comment)
def render_text(sender, instance, update_fields=None, **kwargs):
    """Every way a comment is saved (form, admin, pings, import) stores its shown HTML; a save
    limited to some fields must list comment_html with comment to store it."""
    if update_fields is None or "comment" in update_fields:
        instance.comment_html = render_comment_text(instance.comment)


@receiver([post_save, post_delete], sender=Comment)
def refresh_discussion(sender, instance, **kwargs):
    discussion_changed(instance.object_pk)  # and the content version: counts, recent comments


@receiver(post_save, sender=Post)
def queue_pingbacks(sender, instance, raw, **kwargs):
    """Ping the sites a post links to once it is out, never inside the editor's transaction.

    Every save of a published post queues the task; it pings only links not pinged before.
    A scheduled post's pings wait for its date where the task backend can defer.
    """
    post = instance
    if raw or _pings_paused.get():
        return
    if post.status not in PUBLISHED_STATUSES:  # published, or scheduled: pinged when due
        return
    if post.ping_status != Discussion.OPEN:
        return
    task = send_pings
    if post.published_at > timezone.now():
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=post.published_at)
    transaction.on_commit(lambda: task.enqueue(post.pk))
