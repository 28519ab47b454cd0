"""The scale-out cache: Django's Redis backend, with one client object per connection pool.

Django's backend builds a new redis-py client for every cache call, and redis-py 8 fills a
table of some 170 reply handlers each time it builds one: about a tenth of a millisecond a
call, several calls a request. A client is safe to share between threads (each command takes
a connection from the pool), so this backend builds it once per pool.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
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
