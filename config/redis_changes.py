"""Telling every process that a store kept in Redis changed, so each may use what it read from
it until then without asking Redis again: the scale-out counterpart of config/change_mark.py.

Every write to such a store is followed by a PUBLISH on the store's channel; each process keeps
one connection subscribed to all of them. Before using what it remembers, a thread looks at
that connection's socket without waiting (a poll, no round trip): anything arrived means a store
changed, and the thread reads that store from Redis again. The writing process itself forgets at
once, before its PUBLISH returns, so within a process nothing is ever stale.

Another process learns of a write once Redis has delivered the message to it: in the same pass
of Redis's event loop that answers the writer, microseconds after its reply. A process that is
not subscribed (not yet, or its connection dropped) remembers nothing until it is again, and a
change that published nothing (FLUSHDB, a writer killed between its write and its PUBLISH, a
message lost with a connection) is seen once what was read runs out of time, `seconds` in
`reads`.
"""

import contextlib
import logging
import select
import threading
import time

import redis

from . import process

RETRY_SECONDS = 1.0  # between two attempts to subscribe again
logger = logging.getLogger(__name__)


class ChangeFeed:
    """The channel of one store (`name`) on the Redis at `url`."""

    def __init__(self, url, name):
        self._url = url
        db = redis.connection.parse_url(url).get("db", 0)
        self.channel = f"inkwell:changed:{db}:{name}".encode()  # channels span databases

    def read(self):
        """What stays the same while nothing changed the store, as far as this process can
        tell; None while it cannot tell (not subscribed)."""
        return _subscription(self._url).token(self.channel)

    def reads(self, local, seconds, limit):
        """As ChangeMark.reads: the dict of values this thread (`local`, its namespace) read
        since the store last changed, a new one when it changed, `seconds` after the last was
        made, past `limit` entries, or while this process is not subscribed."""
        token, now = self.read(), time.monotonic()
        if (
            token is None
            or getattr(local, "read_mark", None) != token
            or now - local.read_since > seconds
            or len(local.reads) > limit
        ):
            local.read_mark, local.read_since, local.reads = token, now, {}
        return local.reads

    def moved(self):
        """This process wrote the store: its own threads read it again from now on."""
        _subscription(self._url).moved(self.channel)

    def publish(self, client):
        """Tell every process, this one first, after a write made through `client`."""
        self.moved()
        client.publish(self.channel, b"")

    def publish_in(self, pipeline):
        """Queue the message in the `pipeline` (or transaction) that writes; call `moved()`
        once it has run."""
        return pipeline.publish(self.channel, b"")


class _Subscription:
    """One process's connection subscribed to every store's channel on one Redis."""

    PATTERN = b"inkwell:changed:*"

    def __init__(self, url):
        self._url = url
        self._lock = threading.Lock()
        self._moves = {}  # channel -> changes seen (messages, and this process's own writes)
        self._session = 0  # a subscription made anew forgets everything read before it
        self._pubsub = None
        self._socket = None
        self._poll = None
        self._live = False  # subscribed, and its confirmation read
        self._retry_at = 0.0

    def token(self, channel):
        poll = self._poll
        if poll is None:
            self._subscribe()
        elif poll.poll(0):
            self._drain()
        if not self._live:
            return None
        return self._session, self._moves.get(channel, 0)

    def moved(self, channel):
        with self._lock:
            self._moves[channel] = self._moves.get(channel, 0) + 1

    def _subscribe(self):
        with self._lock:
            if self._poll is not None or time.monotonic() < self._retry_at:
                return
            try:
                # No retries: a subscription that failed is made anew, a second later.
                pubsub = redis.Redis.from_url(self._url, retry=None).pubsub()
                pubsub.psubscribe(self.PATTERN)
            except (redis.RedisError, OSError):
                self._failed("could not subscribe to changes on %s")
                return
            self._pubsub, self._socket = pubsub, pubsub.connection._sock
            self._poll = select.epoll()  # select.poll refuses two threads polling at once
            self._poll.register(self._socket, select.EPOLLIN)

    def _drain(self):
        with self._lock:
            if self._pubsub is None:
                return
            try:
                while (message := self._pubsub.get_message(timeout=0)) is not None:
                    if message["type"] == "pmessage":
                        channel = message["channel"]
                        self._moves[channel] = self._moves.get(channel, 0) + 1
                    elif message["type"] == "psubscribe":
                        self._live, self._session = True, self._session + 1
                if self._pubsub.connection._sock is not self._socket:
                    raise redis.ConnectionError("reconnected: messages may have been lost")
            except (redis.RedisError, OSError):
                self._failed("lost the subscription to changes on %s")

    def _failed(self, message):
        if self._live or not self._retry_at:  # not again each second while Redis is away
            logger.warning(message, redis.connection.parse_url(self._url).get("host", self._url))
        self._live, self._session = False, self._session + 1
        if self._pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._pubsub.close()
        # The epoll object is left for the collector: another thread may be polling it.
        self._pubsub = self._socket = self._poll = None
        self._retry_at = time.monotonic() + RETRY_SECONDS


_subscriptions = {}
_subscriptions_pid = None
_opening = threading.Lock()


def _subscription(url):
    global _subscriptions, _subscriptions_pid
    if _subscriptions_pid != process.pid():  # a forked child subscribes on its own
        with _opening:
            if _subscriptions_pid != process.pid():
                _subscriptions, _subscriptions_pid = {}, process.pid()
    found = _subscriptions.get(url)
    if found is None:
        with _opening:
            found = _subscriptions.setdefault(url, _Subscription(url))
    return found
