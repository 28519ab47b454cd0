"""A post's discussion is rendered once and cached as one fragment until it changes: here are
the fragment's key and what makes it stale (a comment of the post saved or deleted, the post
edited, any setting changed, the theme switched)."""

import secrets
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from blog import freshness
from blog.freshness import options_fingerprint
from blog.version_memo import VersionMemo

VERSION_KEY = "inkwell:discussion:{}"


def _new_version():
    return f"{time.time_ns():x}.{secrets.token_hex(4)}"


def version(post_pk):
    """The post's discussion version; a fresh one when the cache lost it, never an old one.
    Each worker reads it once per content version: every change of a discussion moves the
    content version too (discussion_changed)."""
    content_version, value = _versions.get(post_pk)
    if value is None:
        value = cache.get_or_set(VERSION_KEY.format(post_pk), _new_version, None)
        _versions.put(content_version, post_pk, value)
    return value


_versions = VersionMemo(size=4096)


def _bump(post_pk):
    cache.set(VERSION_KEY.format(post_pk), _new_version(), None)


def discussion_changed(post_pk):
    """Make the post's rendered discussion stale now, and again once the change is committed:
    a reader who loaded the comments before the commit may have cached them in between. The
    content version moves after it, each time (its counts, recent comments, the post's page)."""
    _bump(post_pk)
    transaction.on_commit(lambda: _bump(post_pk))
    freshness.content_changed()


def fragment_key(post, options, comment_page=None, held_id=None):
    """Everything the rendered discussion depends on. The post's `updated_at` covers its edits
    (title, discussion status, permalink); `comments_open` also closes with age."""
    return ":".join(
        str(part)
        for part in (
            post.pk,
            post.updated_at.timestamp() if post.updated_at else "",
            version(post.pk),
            options_fingerprint(options),
            post.comments_open,
            comment_page or "",
            held_id or "",
            translation.get_language(),
        )
    )
