"""Data for the sidebar widgets, computed once and cached until content or discussion changes."""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import BigIntegerField, Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast, TruncMonth

from . import discussion, freshness
from .models import Category, Post, PostViews, Tag

VERSION_KEY = "inkwell:widgets:version"
TIMEOUT = 300  # scheduled posts become due without any save: never trust the cache longer


def invalidate():
    """A new version now and again once the change is committed, so data computed by another
    process from the database as it was before the commit is never served as current. The
    content version moves too: what the widgets show, readers see (blog/freshness.py)."""
    _next_version()
    transaction.on_commit(_next_version)
    freshness.content_changed()


def _next_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def cache_key(names):
    """The key of the widgets' data, new whenever content or discussion changes."""
    version = cache.get_or_set(VERSION_KEY, time.time_ns, None)
    return f"inkwell:widgets:{version}:{','.join(names)}"


def sidebar_data(names):
    """The data of the widgets `names`, in order: [(name, data)]; one cache read when warm."""
    key = cache_key(names)
    data = cache.get(key)
    if data is None:
        data = [(name, WIDGET_DATA[name]()) for name in names]
        cache.set(key, data, TIMEOUT)
    return data


def recent_posts(limit=5):
    return [
        {"title": post.display_title, "url": post.get_absolute_url()}
        for post in Post.objects.published()
        .posts()
        .only("post_type", "title", "slug", "published_at")[:limit]
    ]


def recent_comments(limit=5):
    """The newest approved comments on published posts, with their posts, in one query."""
    post = Post.objects.filter(pk=Cast(OuterRef("object_pk"), BigIntegerField()))
    comments = (
        discussion.approved_comments()
        .filter(object_pk__in=Post.objects.published().as_comment_keys())
        .annotate(
            post_title=Subquery(post.values("title")[:1]),
            post_slug=Subquery(post.values("slug")[:1]),
            post_published_at=Subquery(post.values("published_at")[:1]),
        )
        .order_by("-submit_date")[:limit]
    )
    rows = []
    for comment in comments:
        target = Post(
            pk=int(comment.object_pk),
            title=comment.post_title,
            slug=comment.post_slug,
            published_at=comment.post_published_at,
        )
        rows.append(
            {
                "author": comment.user_name,
                "author_url": comment.user_url,
                "post_title": target.display_title,
                "url": f"{target.get_absolute_url()}#comment-{comment.pk}",
            }
        )
    return rows


def monthly_archives():
    months = (
        Post.objects.published()
        .posts()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    return [{"month": row["month"], "count": row["count"]} for row in months]


def categories():
    rows = (
        Category.objects.annotate(
            count=Count("posts", filter=Q(posts__in=Post.objects.published()))
        )
        .filter(count__gt=0)
        .order_by("name")
    )
    return [{"name": c.name, "url": c.get_absolute_url(), "count": c.count} for c in rows]


def tag_cloud(limit=45):
    """WordPress's tag cloud: the most used tags, sized 8–22 pt by use, listed by name."""
    rows = list(
        Tag.objects.annotate(count=Count("posts", filter=Q(posts__in=Post.objects.published())))
        .filter(count__gt=0)
        .order_by("-count", "name")[:limit]
    )
    if not rows:
        return []
    low, high = min(t.count for t in rows), max(t.count for t in rows)
    spread = max(high - low, 1)
    return sorted(
        (
            {
                "name": t.name,
                "url": t.get_absolute_url(),
                "count": t.count,
                "size": round(8 + (t.count - low) * 14 / spread, 1),
            }
            for t in rows
        ),
        key=lambda tag: tag["name"].lower(),
    )


def most_viewed(limit=5):
    rows = (
        PostViews.objects.filter(post__in=Post.objects.published().posts(), count__gt=0)
        .select_related("post")
        .order_by("-count")[:limit]
    )
    return [
        {"title": row.post.display_title, "url": row.post.get_absolute_url(), "views": row.count}
        for row in rows
    ]


WIDGET_DATA = {
    "search": lambda: None,
    "recent_posts": recent_posts,
    "recent_comments": recent_comments,
    "archives": monthly_archives,
    "categories": categories,
    "tag_cloud": tag_cloud,
    "most_viewed": most_viewed,
}
