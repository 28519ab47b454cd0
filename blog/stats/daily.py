"""Views per post per day, for the stats charts: counted in memory and written in batches
(every 30 s or 200 views, and at exit), so the post page pays no extra write per view.

The exact total lives in PostViews (blog/stats/counter.py); a crash loses at most one
unwritten batch of the daily breakdown, never a view from the total.
"""

import atexit
import datetime
import logging
import threading
import time
from collections import Counter

from django.db import connection
from django.utils import timezone

from blog.models import Post, PostViewDay

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 30
FLUSH_AT = 200

_lock = threading.Lock()
_pending = Counter()
_last_flush = time.monotonic()


def record(post_id):
    global _last_flush
    with _lock:
        _pending[(post_id, timezone.localdate())] += 1
        due = sum(_pending.values()) >= FLUSH_AT or (
            time.monotonic() - _last_flush >= FLUSH_SECONDS
        )
    if due:
        flush()


def flush():
    """Write the pending counts, adding to each day's row (one upsert per post and day)."""
    global _last_flush
    with _lock:
        batch = list(_pending.items())
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return
    table = connection.ops.quote_name(PostViewDay._meta.db_table)
    posts = connection.ops.quote_name(Post._meta.db_table)
    sql = (
        f"INSERT INTO {table} (post_id, day, count) "
        f"SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM {posts} WHERE id = %s) "
        f"ON CONFLICT (post_id, day) DO UPDATE SET count = {table}.count + excluded.count"
    )
    try:
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(post, day, n, post) for (post, day), n in batch])
    except Exception:  # stats must never break a reader's page
        logger.exception("could not write %d daily view counts", len(batch))


def discard_pending():
    with _lock:
        _pending.clear()


atexit.register(flush)


def last_days(post=None, days=30):
    """[(day, views)] for the last `days` days up to today, zeros included."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    rows = PostViewDay.objects.filter(day__gte=start)
    if post is not None:
        rows = rows.filter(post=post)
    totals = Counter()
    for day, count in rows.values_list("day", "count"):
        totals[day] += count
    return [
        (start + datetime.timedelta(n), totals[start + datetime.timedelta(n)]) for n in range(days)
    ]


def most_viewed(days=30, limit=5):
    """[(post, views)] over the last `days` days."""
    start = timezone.localdate() - datetime.timedelta(days=days - 1)
    from django.db.models import Sum

    rows = (
        PostViewDay.objects.filter(day__gte=start)
        .values("post")
        .annotate(views=Sum("count"))
        .order_by("-views")[:limit]
    )
    posts = Post.objects.in_bulk([row["post"] for row in rows])
    return [(posts[row["post"]], row["views"]) for row in rows if row["post"] in posts]
