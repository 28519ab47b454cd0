"""A fixed-window request counter per client, kept in the cache (shared when Redis is used)."""

import time

from django.core.cache import cache


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
