"""Counting a post's views: one atomic UPDATE … RETURNING per counted load, nothing lost."""

from django.conf import settings
from django.db import connection

from . import daily
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
    table = connection.ops.quote_name(PostViews._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET count = count + 1 WHERE post_id = %s RETURNING count",
            [post.pk],
        )
        row = cursor.fetchone()
    if row is None:  # a post saved without signals (a raw fixture load)
        PostViews.objects.get_or_create(post=post)
        return record_view(post, request)
    daily.record(post.pk)
    return row[0]


def current_views(post):
    if post.pk is None:  # an unsaved post, in preview
        return 0
    return PostViews.objects.filter(post=post).values_list("count", flat=True).first() or 0
