"""What turns a pingback or trackback request away before it is read: a per-address rate
limit (a fixed-window counter in the cache) and a cap on the declared body size."""

import time

from django.conf import settings
from django.core.cache import cache

from blog.clients import client_ip


def allow(scope, client, limit, window=60):
    """Count one request by `client` in `scope`; False once more than `limit` in the window."""
    bucket = int(time.time() // window)
    key = f"inkwell:rate:{scope}:{client}:{bucket}"
    if cache.add(key, 1, window + 1):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window + 1)
        return True


def refusal(request):
    """Why a pingback or trackback request is turned away before it is read: (status, reason)
    for a sender over the per-IP rate limit or a declared body over the cap, else None."""
    if not allow("ping", client_ip(request), settings.INKWELL_PING_RATE_LIMIT):
        return 429, "too many requests from this address"
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.INKWELL_PING_MAX_BODY:
        return 413, "request body too large"
    return None
