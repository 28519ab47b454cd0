"""Counting a post's views without a database write per view: each counted load goes into the
shared buffer (blog/stats/buffer.py: Redis with REDIS_URL, else a small LMDB file every
process maps), which a thread in each process writes to PostViews and the daily breakdown
every INKWELL_VIEWS_FLUSH_SECONDS and at exit. Each worker first holds its views for
INKWELL_VIEWS_HOLD_SECONDS (blog/stats/held.py): a worker killed with SIGKILL
loses at most those. The count shown is the stored total plus the views still buffered (and
those the worker holds), never below what is stored.
"""

import datetime
import functools
import time

from django.db import connection
from django.utils import timezone

from .. import freshness
from ..hot_settings import hot
from ..version_memo import VersionMemo
from . import buffer, daily
from .models import PostViews


def is_bot(user_agent):
    global _marks
    if _marks[0] is not hot.INKWELL_BOT_USER_AGENTS:  # made once for each value of the setting
        _marks = (hot.INKWELL_BOT_USER_AGENTS, tuple(hot.INKWELL_BOT_USER_AGENTS))
    return _is_bot(user_agent or "", _marks[1])


_marks = (None, ())  # (the setting's list, as a tuple for the cache below)


@functools.lru_cache(maxsize=1024)  # readers' browsers send a few agents, again and again
def _is_bot(user_agent, marks):
    user_agent = user_agent.lower()
    return not user_agent or any(mark in user_agent for mark in marks)


def should_count(request):
    if request.method != "GET":
        return False
    if "preview" in request.GET:
        return False
    return not is_bot(request.headers.get("User-Agent"))


def record_view(post, request):
    """Count this load if a reader made it; return the post's live view count."""
    if post.pk is None or not should_count(request):
        return current_views(post)
    return count_view(post.pk, timezone.localdate())


def today(tzinfo):
    """The date in `tzinfo` now, worked out once a second (a replayed page counts its view on
    it, thousands of times a second)."""
    second = int(time.time())
    known = _days.get(tzinfo)
    if known is None or known[0] != second:
        known = _days[tzinfo] = (second, datetime.datetime.fromtimestamp(second, tzinfo).date())
    return known[1]


_days = {}  # {time zone: (second, its date then)}


def count_view(post_pk, day):
    """Count a reader's view of post `post_pk` on `day`; return its live view count."""
    pending, generation = daily.record(post_pk, day)
    return _stored(post_pk, generation) + pending


def count_view_at(version, post_pk, day):
    """As count_view, while the content version is still `version` (blog/freshness.py): None,
    and nothing counted, once it moved on. Where this process holds its views the version is
    read as every request reads it (from memory while the cache's change feed is quiet); else,
    where the cache and the buffer share a Redis, it is checked in the round trip that
    counts."""
    condition = None
    if not buffer.holds_views():  # else counting is no round trip, and the version is known
        condition = freshness.condition_for(version, hot.INKWELL_VIEWS_BUFFER)
    if condition is None:
        if freshness.content_version() != version:
            return None
        return count_view(post_pk, day)
    counted = daily.record_if(condition, post_pk, day)
    if counted is None:
        return None
    freshness.confirmed(version)
    pending, generation = counted
    return _stored(post_pk, generation) + pending


def current_views(post):
    if post.pk is None:  # an unsaved post, in preview
        return 0
    pending, generation = buffer.pending_total(post.pk)
    return _stored(post.pk, generation) + pending


# Stored counts change when the buffer's views are written (its generation changes at once)
# and when an import writes them (the content version moves on): while neither has moved, a
# process reads each post's count once. A buffer that lost its generation (None) is asked
# every time until it has one again.
_stored_counts = VersionMemo(size=10_000)


def _stored(post_pk, generation):
    version, kept = _stored_counts.get(post_pk)
    if kept is not None and generation is not None and kept[0] == generation:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute(_stored_sql(), [post_pk])
        row = cursor.fetchone()
    count = row[0] if row else 0
    _stored_counts.put(version, post_pk, (generation, count))
    return count


@functools.cache
def _stored_sql():
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('count')} FROM {quote(PostViews._meta.db_table)} "
        f"WHERE {quote('post_id')} = %s"
    )


def flush_all():
    """Write every buffered view now (what each process does at exit)."""
    daily.flush()
