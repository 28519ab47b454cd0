"""Views per post per day, for the stats charts, and the writer of the shared view buffer.

Each counted view goes into the buffer shared by every process (blog/stats/buffer.py: Redis
with REDIS_URL, else an LMDB file under INKWELL_VAR_DIR), so the post page pays no write to the
content database for it and a killed worker loses nothing it put there (what it
counted more than INKWELL_VIEWS_HOLD_SECONDS ago: blog/stats/held.py). `flush()` writes what
every process counted: a thread in each process does so every INKWELL_VIEWS_FLUSH_SECONDS, the
admin's charts before they are drawn, and each process at exit.
"""

import atexit
import datetime
import logging
import math
import threading
import time
from collections import Counter

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from blog.hot_settings import hot
from blog.models import Post, PostViewDay, PostViews
from config import process

from . import buffer

logger = logging.getLogger(__name__)


def record(post_id, day):
    """Count a view on `day`; return (the post's views not yet in its stored total, the
    buffer's generation)."""
    pending_and_generation = buffer.add(post_id, day)
    _start_flusher()
    return pending_and_generation


def record_if(condition, post_id, day):
    """As record(), in one step with checking `condition` (buffer.add_if): None, and nothing
    counted, when it no longer holds."""
    counted = buffer.add_if(condition, post_id, day)
    _start_flusher()
    return counted


def flush(wait=5.0):
    """Write the views every process counted into PostViews and PostViewDay (one transaction).
    While another process is flushing, wait up to `wait` seconds for it to finish (the admin's
    charts then include its views too); False when it did not, or when the write failed."""
    deadline = time.monotonic() + wait
    while (taken := buffer.take()) is None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    rows, done = taken
    if not rows:
        done()
        return True
    try:
        _write(rows)
    except Exception:  # stats must never break a page: the views stay set aside for next time
        logger.exception("could not write %d buffered view counts", len(rows))
        done(written=False)
        return False
    done()
    return True


def _write(rows):
    totals = Counter()
    days = Counter()
    for post_id, day, total, daily in rows:
        totals[post_id] += total
        if day and daily:
            days[(post_id, day)] += daily
    table = connection.ops.quote_name(PostViewDay._meta.db_table)
    posts = connection.ops.quote_name(Post._meta.db_table)
    sql = (
        f"INSERT INTO {table} (post_id, day, count) "
        f"SELECT %s, %s, %s WHERE EXISTS (SELECT 1 FROM {posts} WHERE id = %s) "
        f"ON CONFLICT (post_id, day) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with transaction.atomic():
        for post_id, n in totals.items():
            if n:
                PostViews.objects.filter(post_id=post_id).update(count=F("count") + n)
        with connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [
                    (post, datetime.date.fromisoformat(day), n, post)
                    for (post, day), n in days.items()
                ],
            )


def discard_pending():
    buffer.discard()


_flusher = {"pid": None}


def _start_flusher():
    """One daemon thread a process writes the buffer every INKWELL_VIEWS_FLUSH_SECONDS (0: none,
    as in the tests, which flush when they mean to); where the process holds its views
    (blog/stats/held.py), another pushes them every INKWELL_VIEWS_HOLD_SECONDS, so a flush
    waiting for a busy database never keeps them in the process."""
    seconds = hot.INKWELL_VIEWS_FLUSH_SECONDS
    if not seconds or _flusher["pid"] == process.pid():
        return
    _flusher["pid"] = process.pid()
    _thread(_flush_every, seconds, "views-flusher")
    if buffer.holds_views():
        _thread(_push_every, max(hot.INKWELL_VIEWS_HOLD_SECONDS, MIN_HOLD_SECONDS), "views-pusher")


def _thread(target, seconds, name):
    threading.Thread(target=target, args=(seconds,), name=name, daemon=True).start()


MIN_HOLD_SECONDS = 0.01
LOG_EVERY_SECONDS = 60  # of a push failing again and again, ten times a second


def _flush_every(seconds):
    stop = threading.Event()
    while not stop.wait(seconds):
        try:
            flush(wait=0)
        except Exception:
            logger.exception("view buffer flush failed")
        finally:
            connection.close()


def _push_every(seconds):
    stop, logged = threading.Event(), -math.inf
    while not stop.wait(seconds):
        try:
            buffer.push()
        except Exception:
            if time.monotonic() - logged >= LOG_EVERY_SECONDS:
                logged = time.monotonic()
                logger.exception("could not add the views this process holds to the buffer")


def _flush_at_exit():
    try:
        flush(wait=1)
    except Exception:
        logger.exception("view buffer flush at exit failed")


atexit.register(_flush_at_exit)


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
    from django.db.models import Sum

    start = timezone.localdate() - datetime.timedelta(days=days - 1)

    rows = (
        PostViewDay.objects.filter(day__gte=start)
        .values("post")
        .annotate(views=Sum("count"))
        .order_by("-views")[:limit]
    )
    posts = Post.objects.in_bulk([row["post"] for row in rows])
    return [(posts[row["post"]], row["views"]) for row in rows if row["post"] in posts]
