"""Counting a post's views without a database write per view: each counted load goes into the
shared buffer (blog/stats/buffer.py: Redis with REDIS_URL, else a small SQLite file every
process shares), which a thread in each process writes to PostViews and the daily breakdown
every INKWELL_VIEWS_FLUSH_SECONDS and at exit. A killed worker loses nothing it counted. The
count shown is the stored total plus the views still buffered, never below what is stored.
"""

import functools

from django.conf import settings
from django.db import connection

from . import buffer, daily
from .models import PostViews


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
    return _stored(post) + daily.record(post.pk)


def _stored(post):
    if post.pk is None:  # an unsaved post, in preview
        return 0
    # Read on every counted load, kept pages included: this SQL costs a tenth of building
    # the same one-row query through the ORM each time.
    with connection.cursor() as cursor:
        cursor.execute(_stored_sql(), [post.pk])
        row = cursor.fetchone()
    return row[0] if row else 0


@functools.cache
def _stored_sql():
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('count')} FROM {quote(PostViews._meta.db_table)} "
        f"WHERE {quote('post_id')} = %s"
    )


def current_views(post):
    if post.pk is None:
        return 0
    return _stored(post) + buffer.pending_total(post.pk)


def flush_all():
    """Write every buffered view now (what each process does at exit)."""
    daily.flush()
