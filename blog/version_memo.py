"""What a worker keeps in its own memory while the site's content version
(blog/freshness.py) stays the same: a value read or rendered once is used again until anything
a reader could see changes, in any process. No round trip to the shared cache, so it suits
small values read on every request (a post, a fragment of HTML)."""

import threading
from collections import OrderedDict

from django.core.cache import cache

from . import freshness


class VersionMemo:
    """A dict of at most `size` entries (and, with `weigh`, at most `max_weight` of what it
    measures), least recently used dropped first, emptied when the content version moves on."""

    def __init__(self, size, weigh=None, max_weight=float("inf")):
        self.size, self.max_weight = size, max_weight
        self.weigh = weigh or (lambda value: 0)
        self._lock = threading.Lock()
        self._kept = OrderedDict()
        self._weight = 0
        self._version = None

    def get(self, key):
        """(version, value): the value kept for `key` at the current version, or None; hand
        the version to `put` so a value computed meanwhile is kept only if still current."""
        version = freshness.content_version()
        with self._lock:
            if self._version != version:
                self._kept.clear()
                self._weight = 0
                self._version = version
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
        return version, value

    def peek(self, key):
        """(version, value) as kept, the content version not read: `value` is current only
        while `version` is, which the caller checks before using it."""
        with self._lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return self._version, value

    def put(self, version, key, value):
        weight = self.weigh(value)
        if weight > self.max_weight:
            return
        with self._lock:
            if self._version != version:
                return
            if key in self._kept:
                self._weight -= self.weigh(self._kept[key])
            self._kept[key] = value
            self._weight += weight
            while len(self._kept) > self.size or self._weight > self.max_weight:
                _, dropped = self._kept.popitem(last=False)
                self._weight -= self.weigh(dropped)


def _weight(value):
    return len(value) if isinstance(value, str) else 1024


_shared_reads = VersionMemo(size=1024, weigh=_weight, max_weight=8 * 1024 * 1024)


def read_through(key, compute, timeout):
    """The shared cache's value for `key` (made by `compute()` and stored for `timeout` seconds
    when missing), remembered in this worker until the content version moves: for values that
    cannot change while it stays (a rendered body, a rendered form), each a round trip to Redis
    otherwise. Every caller gets the same object, to read only."""
    version, value = _shared_reads.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout)
        _shared_reads.put(version, key, value)
    return value
