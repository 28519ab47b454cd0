"""Wrong post passwords, counted per client and entry in the shared cache: after
INKWELL_LOGIN_FAILURE_LIMIT of them within the cool-off time, even the right one is refused.

The password cookie is not tied to one entry, so a guess sent with a `next` that names no
protected entry counts against the client's "any entry" allowance."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.crypto import constant_time_compare

from .clients import client_ip
from .models import Post

ANY_ENTRY = "any"


def entry_at(path):
    """The entry whose page `path` is, or None."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    kwargs = match.kwargs
    if match.view_name == "page":
        return Post.objects.page_at(kwargs["path"])
    if match.view_name not in ("blog:post", "blog:post-page", "blog:post-comment-page"):
        return None
    try:
        date = datetime.date(kwargs["year"], kwargs["month"], kwargs["day"])
    except ValueError:
        return None
    return Post.objects.posts().filter(published_at__date=date, slug=kwargs["slug"]).first()


def _key(request, target):
    return f"inkwell:postpass-guesses:{client_ip(request)}:{target}"


def _cooloff_seconds():
    return int(settings.INKWELL_LOGIN_COOLOFF.total_seconds())


def check(request, password, path):
    """Count the guess; False when this client has guessed wrong too often for this entry."""
    entry = entry_at(path)
    target = entry.pk if entry is not None and entry.password else ANY_ENTRY
    key = _key(request, target)
    if (cache.get(key) or 0) >= settings.INKWELL_LOGIN_FAILURE_LIMIT:
        return False
    if target == ANY_ENTRY or not constant_time_compare(password, entry.password):
        _count(key)
    return True


def _count(key):
    if cache.add(key, 1, _cooloff_seconds()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _cooloff_seconds())
