"""Counting a post's views: one atomic UPDATE … RETURNING per counted load, nothing lost.

A reader's page never waits long on, or fails because of, a writer holding the database (a
long import on SQLite): when the UPDATE cannot get its lock within a second, the view goes
into the shared buffer (blog/stats/buffer.py) and is written by the next flush. The count
shown is the stored total plus the views still buffered.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from . import buffer, daily
from .models import PostViews

LOCK_WAIT_MS = 1000


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
    try:
        count = _increment(post)
    except DatabaseError:  # busy: the buffer takes the view, the page is served at once
        count = _stored(post)
        return count + daily.record(post.pk, deferred_total=True)
    return count + daily.record(post.pk)


def _increment(post):
    table = connection.ops.quote_name(PostViews._meta.db_table)
    with _short_lock_wait(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + 1 WHERE post_id = %s RETURNING count",
            [post.pk],
        )
        row = cursor.fetchone()
    if row is None:  # a post saved without signals (a raw fixture load)
        PostViews.objects.get_or_create(post=post)
        return _increment(post)
    return row[0]


@contextmanager
def _short_lock_wait():
    """Wait at most LOCK_WAIT_MS for the lock: on SQLite the busy timeout of the driver's
    connection (outside Django's query log); on PostgreSQL, which locks rows, a local lock
    timeout when the UPDATE is a transaction of its own."""
    if connection.vendor != "sqlite":
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            yield
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
            yield
        return
    connection.ensure_connection()
    raw = connection.connection
    raw.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")
    try:
        yield
    finally:
        timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
        raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def _stored(post):
    if post.pk is None:  # an unsaved post, in preview
        return 0
    return PostViews.objects.filter(post=post).values_list("count", flat=True).first() or 0


def current_views(post):
    if post.pk is None:
        return 0
    return _stored(post) + buffer.pending_total(post.pk)
