"""The scale-out cache: Django's Redis backend, with one client object per connection pool, and
small values read on every request remembered by each thread until the cache changes.

Django's backend builds a new redis-py client for every cache call, and redis-py 8 fills a
table of some 170 reply handlers each time it builds one: about a tenth of a millisecond a
call, several calls a request. A client is safe to share between threads (each command takes
a connection from the pool), so this backend builds it once per pool.

Every write is followed by a message on the cache's change feed (config/redis_changes.py), so a
read of small entries (the content version and the options, read by every request; a signed-in
reader's session) is answered from the thread's memory while nothing was written, in any
process: the Redis counterpart of the embedded default's memo (config/sqlite_cache.py).
"""

import functools
import math
import threading
import time

from django.core.cache.backends import redis as django_redis

from .change_mark import answer_key, small_and_immutable
from .redis_changes import ChangeFeed

READS_KEPT = 64  # entries a thread remembers between two changes to the cache
READ_BYTES_KEPT = 4096  # the largest it remembers (the options, a session; not a page)
READS_KEPT_SECONDS = 1.0  # and for at most this long (see ChangeFeed)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, **options):
        change_feed = options.pop("CHANGE_FEED", True)
        super().__init__(servers, **options)
        self._clients = {}
        self._local = threading.local()
        # With replicas a value read may lag the write its message announces: no memo then.
        self.feed = ChangeFeed(servers[0], "cache") if change_feed and len(servers) == 1 else None

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def reads(self):
        """What this thread read while the feed stayed quiet (a new dict once it spoke), or
        None where nothing is kept (no feed)."""
        if self.feed is None:
            return None
        return self.feed.reads(self._local, READS_KEPT_SECONDS, READS_KEPT)

    def read(self, keys, reads):
        """({key: value} of the `keys` found, until when (time.monotonic()) that answer holds
        while the feed stays quiet). Each thread keeps what Redis answered for a key in `reads`
        (its stored bytes, or that it is missing), up to the entry's expiry, and decodes it for
        each caller (so no caller sees another's changes)."""
        now, stored, missing, until = time.monotonic(), {}, [], math.inf
        for key in keys:
            kept = reads.get(key)
            if kept is not None and now < kept[1]:
                stored[key] = kept[0]
                until = min(until, kept[1])
            else:
                missing.append(key)
        if missing:
            pipeline = self.get_client(None).pipeline(transaction=False)
            pipeline.mget(missing)
            for key in missing:
                pipeline.pttl(key)
            values, *ttls = pipeline.execute()
            now = time.monotonic()
            for key, value, ttl in zip(missing, values, ttls, strict=True):
                stored[key] = value
                expires = now + ttl / 1000 if ttl >= 0 else math.inf
                if value is None or len(value) <= READ_BYTES_KEPT:
                    reads[key] = (value, expires)
                    until = min(until, expires)
                else:
                    until = -math.inf
        loads = self._serializer.loads
        return {key: loads(value) for key, value in stored.items() if value is not None}, until

    def _changed(self):
        if self.feed is not None:
            self.feed.publish(self.get_client(None, write=True))

    def add(self, key, value, timeout):
        added = super().add(key, value, timeout)
        if added:
            self._changed()
        elif self.feed is not None:
            # Another process made the key, and may not have announced it yet: what this
            # process remembers of it (that it was missing) is read again.
            self.feed.moved()
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
        # The same few keys are made on every request (the content version, the options).
        self._made_keys = functools.lru_cache(maxsize=1024, typed=True)(
            super().make_and_validate_key
        )

    def make_and_validate_key(self, key, version=None):
        return self._made_keys(key, version)

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def get_many(self, keys, version=None):
        """As Django's; while the cache's feed is quiet, the whole answer is kept with the
        thread's reads when it holds no value a caller could change (the content version is
        asked for on every request, and found in one dictionary lookup)."""
        client, keys = self._cache, tuple(keys)
        reads = client.reads()
        if reads is None:
            return super().get_many(keys, version=version)
        asked = answer_key(keys, version)
        kept = reads.get(asked) if asked is not None else None
        if kept is not None and time.monotonic() < kept[1]:
            return dict(kept[0])
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        found, until = client.read(made, reads)
        answer = {made[key]: value for key, value in found.items()}
        if (
            asked is not None
            and until > time.monotonic()
            and all(small_and_immutable(value, READ_BYTES_KEPT) for value in answer.values())
        ):
            reads[asked] = (answer, until)
        return dict(answer)

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
