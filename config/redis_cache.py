"""The scale-out cache: Django's Redis backend, with one client object per connection pool, and
small values read on every request remembered by each thread until the cache changes.

Django's backend builds a new redis-py client for every cache call, and redis-py 8 fills a
table of some 170 reply handlers each time it builds one: about a tenth of a millisecond a
call, several calls a request. A client is safe to share between threads (each command takes
a connection from the pool), so this backend builds it once per pool.

Every write is followed by a message on the cache's change feed (config/redis_changes.py), so a
`get_many` of small values none of its callers can change (the content version, read by every
request) is answered from the thread's memory while nothing was written, in any process: the
Redis counterpart of the embedded default's memo (config/sqlite_cache.py).
"""

import threading
import time

from django.core.cache.backends import redis as django_redis

from .redis_changes import ChangeFeed

READS_KEPT = 64  # answers a thread remembers between two changes to the cache
READ_BYTES_KEPT = 4096  # the largest value it remembers
READS_KEPT_SECONDS = 1.0  # and for at most this long (see ChangeFeed)
IMMUTABLE = frozenset({str, bytes, int, float, bool, type(None)})


def _small_and_immutable(value):
    if type(value) in (str, bytes):
        return len(value) <= READ_BYTES_KEPT
    return type(value) in IMMUTABLE


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, **options):
        self._change_feed = options.pop("CHANGE_FEED", True)
        super().__init__(servers, **options)
        self._clients = {}
        self._local = threading.local()
        # With replicas a value read may lag the write its message announces: no memo then.
        self.feed = (
            ChangeFeed(servers[0], "cache") if self._change_feed and len(servers) == 1 else None
        )

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get_many(self, keys):
        if self.feed is None:
            return super().get_many(keys)
        asked = tuple(keys)
        reads = self.feed.reads(self._local, READS_KEPT_SECONDS, READS_KEPT)
        kept = reads.get(asked)
        if kept is not None and time.monotonic() < kept[1]:
            return dict(kept[0])
        pipeline = self.get_client(None).pipeline(transaction=False)
        pipeline.mget(asked)
        for key in asked:
            pipeline.pttl(key)
        values, *ttls = pipeline.execute()
        found = {
            key: self._serializer.loads(value)
            for key, value in zip(asked, values, strict=True)
            if value is not None
        }
        if all(type(key) is str for key in asked) and all(
            _small_and_immutable(value) for value in found.values()
        ):
            now = time.monotonic()
            expiries = [now + ttl / 1000 for ttl in ttls if ttl >= 0]
            reads[asked] = (found, min(expiries, default=float("inf")))
        return dict(found)

    def _changed(self):
        if self.feed is not None:
            self.feed.publish(self.get_client(None, write=True))

    def add(self, key, value, timeout):
        added = super().add(key, value, timeout)
        if added:
            self._changed()
        return added

    def set(self, key, value, timeout):
        super().set(key, value, timeout)
        self._changed()

    def touch(self, key, timeout):
        touched = super().touch(key, timeout)
        self._changed()
        return touched

    def delete(self, key):
        deleted = super().delete(key)
        if deleted:
            self._changed()
        return deleted

    def incr(self, key, delta):
        value = super().incr(key, delta)
        self._changed()
        return value

    def set_many(self, data, timeout):
        super().set_many(data, timeout)
        self._changed()

    def delete_many(self, keys):
        super().delete_many(keys)
        self._changed()

    def clear(self):
        cleared = super().clear()
        self._changed()
        return cleared


class RedisCache(django_redis.RedisCache):
    """OPTIONS: CHANGE_FEED (default True): False leaves every read to Redis."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def stored_form(self, key, value):
        """(The Redis key `key` is kept under, what `value` is kept as there): for a script
        that compares an entry on the server without reading it first."""
        stored = self._cache._serializer.dumps(value)
        if type(stored) is int:  # kept as its digits, as redis-py sends it
            stored = str(stored).encode()
        return self.make_and_validate_key(key), stored

    def on_server(self, url):
        """Whether this cache keeps its entries where the Redis at `url` does."""
        return self._servers == [url]
