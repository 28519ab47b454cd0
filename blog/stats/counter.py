"""Counting a post's views without a database write per view.

Each counted load adds one to the post's pending count in the shared cache (`incr`: Redis's
INCR with REDIS_URL, one atomic statement on the embedded default's cache). Whichever request
finds a post's last flush a second old or more moves its pending views into PostViews, and every
process flushes what it counted every second and at exit; a killed process loses nothing, its
views wait in the cache for the next flush. The count shown is the stored total plus the pending
views, so it is never below what the database holds.
"""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from . import daily
from .models import PostViews

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1
STORED_SECONDS = 300
PENDING_KEY = "inkwell:views:pending:{}"
STORED_KEY = "inkwell:views:stored:{}"
FLUSHING_KEY = "inkwell:views:flushing:{}"
FLUSHED_KEY = "inkwell:views:flushed:{}"

_touched = set()  # posts this process counted views of, flushed every second and at exit
_touched_lock = threading.Lock()
_last_sweep = time.monotonic()


def is_bot(user_agent):
    user_agent = (user_agent or "").lower()
    return not user_agent or any(mark in user_agent for mark in settings.INKWELL_BOT_USER_AGENTS)


def should_count(request):
    if request.method != "GET":
        return False
    if "preview" in request.GET:
        return False
    return not is_bot(request.headers.get("User-Agent"))


def record_view(post, request):
    """Count this load if a reader made it; return the post's live view count."""
    if not should_count(request):
        return current_views(post)
    pending = _add_one(post.pk)
    with _touched_lock:
        _touched.add(post.pk)
    daily.record(post.pk)
    if cache.add(FLUSHED_KEY.format(post.pk), 1, FLUSH_SECONDS):
        flush(post.pk)  # this post's first view in a second: write what is pending
        live = current_views(post)
    else:
        live = _stored(post.pk) + pending
    _sweep_if_due()
    return live


def current_views(post):
    if post.pk is None:  # an unsaved post, in preview
        return 0
    return _stored(post.pk) + (cache.get(PENDING_KEY.format(post.pk)) or 0)


def _add_one(post_pk):
    key = PENDING_KEY.format(post_pk)
    try:
        return cache.incr(key)
    except ValueError:  # no pending views yet
        if cache.add(key, 1, None):
            return 1
        return cache.incr(key)


def _stored(post_pk):
    """The total in the database, read through the cache (a flush keeps it current)."""
    key = STORED_KEY.format(post_pk)
    stored = cache.get(key)
    if stored is None:
        stored = PostViews.objects.filter(post_id=post_pk).values_list("count", flat=True).first()
        stored = stored or 0
        cache.add(key, stored, STORED_SECONDS)  # never over what a flush just set
    return stored


def flush(post_pk):
    """Move the post's pending views into the database. The total is written before the
    pending count is lowered, so a reader in between sees too many, never too few."""
    lease = FLUSHING_KEY.format(post_pk)
    if not cache.add(lease, 1, 30):
        return  # another process is writing this post's views
    try:
        pending = cache.get(PENDING_KEY.format(post_pk)) or 0
        if pending <= 0:
            return
        table = connection.ops.quote_name(PostViews._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET count = count + %s WHERE post_id = %s RETURNING count",
                [pending, post_pk],
            )
            row = cursor.fetchone()
        if row is None:  # a post saved without signals (a raw fixture load)
            PostViews.objects.create(post_id=post_pk, count=pending)
            row = (pending,)
        cache.set(STORED_KEY.format(post_pk), row[0], STORED_SECONDS)
        cache.decr(PENDING_KEY.format(post_pk), pending)
    except Exception:  # the views stay pending; the next flush writes them
        logger.exception("could not write the pending views of post %s", post_pk)
    finally:
        cache.delete(lease)


def flush_all():
    """Write every post's pending views this process counted (each second, and at exit)."""
    with _touched_lock:
        posts = list(_touched)
        _touched.clear()
    for post_pk in posts:
        flush(post_pk)


def _sweep_if_due():
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < FLUSH_SECONDS:
        return
    _last_sweep = now
    flush_all()


def discard_pending():
    """Forget which posts this process counted (a test's database is gone with it)."""
    with _touched_lock:
        _touched.clear()


def forget_stored(post_pk):
    """The stored total was changed outside the counter (an editor reset it)."""
    cache.delete(STORED_KEY.format(post_pk))


atexit.register(flush_all)
