"""Telling every process that a store kept in Redis changed, so each may use what it read from
it until then without asking Redis again: the scale-out counterpart of config/change_mark.py.

Every write to such a store is followed by a PUBLISH on the store's channel; each process keeps
one connection subscribed to all of them. Before using what it remembers, a thread looks at
that connection's socket without waiting (an epoll, no round trip): anything arrived means a
store changed, and the thread reads that store from Redis again. The writing process itself
forgets at once, before its PUBLISH is sent, so within a process nothing is ever stale.

Another process learns of a write once Redis has delivered the message to it: in the same pass
of Redis's event loop that answers the writer, microseconds after its reply. A process that is
not subscribed (not yet, its connection dropped or silent: a quiet one is pinged every few
seconds, or a Redis whose ACL allows no channels) remembers nothing until it is again. A
change that published nothing (FLUSHDB, a writer killed between its write and its PUBLISH, a
PUBLISH that failed, a process of an older release during a rolling deploy) is seen once what
was read runs out of time, `seconds` in `reads` (one second for the cache and the views).
"""

import contextlib
import ctypes
import logging
import os
import secrets
import select
import threading
import time

import redis

from .change_mark import thread_reads

RETRY_SECONDS = 1.0  # between two attempts to subscribe again
PING_EVERY_SECONDS = 5.0  # a quiet subscription is asked whether it is still there
PONG_WITHIN_SECONDS = 1.0
BACKLOG = 100  # messages a drain reads; past that, subscribing anew (forgetting all) is cheaper
LOG_EVERY_SECONDS = 60
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
        """As ChangeMark.reads (thread_reads): while this process is not subscribed, nothing
        read is kept."""
        return thread_reads(local, self.read(), seconds, limit)

    def moved(self):
        """This process wrote the store: its own threads read it again from now on."""
        _subscription(self._url).moved(self.channel)

    def publish(self, client):
        """Tell every process, this one first, after a write made through `client`. Best
        effort: a write that could not be announced (Redis gone since, an ACL without
        channels) is seen elsewhere once what was read runs out of time."""
        self.moved()
        try:
            client.publish(self.channel, b"")
        except redis.RedisError:
            _log_now_and_then("could not announce a change on %s", self.channel)


_logged = {}


def _log_now_and_then(message, *args):
    now = time.monotonic()
    if now - _logged.get(message, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _logged[message] = now
        logger.warning(message, *args, exc_info=True)


class _Subscription:
    """One process's connection subscribed to every store's channel on one Redis."""

    PATTERN = b"inkwell:changed:*"

    def __init__(self, url):
        self._url = url
        self._lock = threading.Lock()
        self._moves = {}  # channel -> changes seen (messages, and this process's own writes)
        # Any new subscription forgets everything read before it; random, as a forked child's
        # threads still hold the tokens their parent's gave.
        self._session = secrets.randbits(64)
        self._pubsub = self._socket = self._poll = None
        self._live = False  # subscribed, and its confirmation read
        self._retry_at = 0.0
        self._heard = 0.0  # when the subscription last gave a message or an answer
        self._pinged = None  # when it was asked whether it is still there, unanswered

    def token(self, channel):
        try:
            poll = self._poll
            if poll is None:
                self._subscribe()
            elif _arrived(poll):
                self._drain()
            elif self._lock.locked():
                # Another thread may be draining what this poll found gone: wait until it
                # has counted it.
                with self._lock:
                    pass
            elif time.monotonic() - self._heard > PING_EVERY_SECONDS:
                self._check()
        except Exception:  # a page never fails for the feed: it reads Redis instead
            with self._lock:
                self._failed("the subscription to changes on %s failed")
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
                pubsub = redis.Redis.from_url(
                    self._url, retry=None, socket_connect_timeout=1, socket_timeout=1
                ).pubsub()
                pubsub.psubscribe(self.PATTERN)
                poll = select.epoll()  # select.poll refuses two threads polling at once
                poll.register(pubsub.connection._sock, select.EPOLLIN)
            except (redis.RedisError, OSError):
                self._failed("could not subscribe to changes on %s")
                return
            self._pubsub, self._socket, self._poll = pubsub, pubsub.connection._sock, poll
            self._heard, self._pinged = time.monotonic(), None

    def _drain(self):
        with self._lock:
            if self._pubsub is None:
                return
            try:
                for _ in range(BACKLOG):
                    message = self._pubsub.get_message(timeout=0)
                    if message is None:
                        break
                    self._heard, self._pinged = time.monotonic(), None
                    if message["type"] == "pmessage":
                        channel = message["channel"]
                        self._moves[channel] = self._moves.get(channel, 0) + 1
                    elif message["type"] == "psubscribe":
                        self._live, self._session = True, self._session + 1
                else:
                    self._failed(None, retry_after=0)
                    return
                if self._pubsub.connection._sock is not self._socket:
                    raise redis.ConnectionError("reconnected: messages may have been lost")
            except (redis.RedisError, OSError):
                self._failed("lost the subscription to changes on %s")

    def _check(self):
        """Ask a quiet subscription whether it is still there (a connection a firewall
        dropped says nothing); drop it when the answer does not come."""
        with self._lock:
            if self._pubsub is None:
                return
            if self._pinged is None:
                self._pinged = time.monotonic()
                try:
                    self._pubsub.ping()
                except (redis.RedisError, OSError):
                    self._failed("lost the subscription to changes on %s")
            elif time.monotonic() - self._pinged > PONG_WITHIN_SECONDS:
                self._failed("the subscription to changes on %s stopped answering")

    def _failed(self, message, retry_after=RETRY_SECONDS):
        """Forget everything read, close the subscription, and make it anew `retry_after`
        seconds later (at the next read). Called with the lock held."""
        if message is not None:
            _log_now_and_then(message, redis.connection.parse_url(self._url).get("host"))
        self._live, self._session = False, self._session + 1
        if self._pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                self._pubsub.close()
        # The epoll object is left for the collector: another thread may be polling it.
        self._pubsub = self._socket = self._poll = None
        self._retry_at = time.monotonic() + retry_after


def _arrived(poll):
    """Whether the subscription's socket holds anything, without giving up the interpreter
    lock: select.epoll.poll lets it go around the call, and on a busy worker another thread
    takes it, so the reader waits for its turn again on every page (measured on one worker with
    32 connections: 6% fewer pages a second, 8% more CPU a page). A zero timeout never
    blocks, so holding the lock through the call stalls no one."""
    found = _epoll_wait(poll.fileno(), _EVENTS, 1, 0)
    if found < 0:  # the epoll itself is broken: the caller subscribes anew
        raise OSError(ctypes.get_errno(), "epoll_wait on the subscription failed")
    return found > 0


try:
    # PyDLL: called with the interpreter lock held; plain ints and a buffer need no argtypes,
    # which would cost more than the call.
    _epoll_wait = ctypes.PyDLL(None, use_errno=True).epoll_wait
    _EVENTS = ctypes.create_string_buffer(64)  # room for one struct epoll_event, never read
except (OSError, AttributeError):  # no C library to load it from: select's, lock and all

    def _arrived(poll):
        return bool(poll.poll(0))


_subscriptions = {}
_opening = threading.Lock()


def _subscription(url):
    found = _subscriptions.get(url)
    if found is None:
        with _opening:
            found = _subscriptions.setdefault(url, _Subscription(url))
    return found


def _forget_parents_subscriptions():
    """A forked child subscribes on its own (and must not wait on a lock a parent's thread
    held when it forked)."""
    global _opening
    _opening = threading.Lock()
    _subscriptions.clear()


os.register_at_fork(after_in_child=_forget_parents_subscriptions)
