"""Views counted but not yet written to the database, shared by every process of the site: a
Redis hash with REDIS_URL, else a small LMDB file under INKWELL_VAR_DIR that every process maps
into its memory (settings.INKWELL_VIEWS_BUFFER). A worker killed at any moment loses nothing it
counted.

Each entry holds, per post and day, the views for the daily breakdown and for the post's total
(blog/stats/counter.py writes no view to the database itself). `flush()` moves everything into
PostViews and PostViewDay in one transaction. A flush first sets the pending views aside
(atomically), writes them, then forgets them; a flush that dies half-way leaves them set aside
and the next one, after the lease expires, writes them.

The buffer's generation, a random number, changes in the same step whenever views leave it for
the database, so a process may keep a post's stored count for as long as the generation it read
with the pending views stays the same (blog/stats/counter.py). Random, so that a buffer made
anew (a lost Redis key, a new file) never repeats a generation a process still remembers.
"""

import os
import secrets
import struct
import threading
import time

import lmdb
import redis
from django.conf import settings

LEASE_SECONDS = 60


def _random():
    return secrets.randbits(63)


def _store():
    location = settings.INKWELL_VIEWS_BUFFER
    if location.startswith(("redis://", "rediss://", "unix://")):
        kind, key = RedisBuffer, (location, os.getpid(), threading.get_ident())
    else:  # LMDB allows one environment a process, which its threads share
        kind, key = LMDBBuffer, (location, os.getpid())
    store = _stores.get(key)
    if store is None:
        with _opening:
            store = _stores.get(key) or _stores.setdefault(key, kind(location))
    return store


_stores = {}
_opening = threading.Lock()


def add(post_id, day):
    """Count one view of `post_id` on `day`; return (the post's views not yet in the database,
    the buffer's generation)."""
    return _store().add(post_id, day.isoformat())


def pending_total(post_id):
    """(The post's views not yet in the database, the buffer's generation)."""
    return _store().pending_total(post_id)


def take():
    """Set the pending views aside: (rows [(post_id, day, total, daily)], done), or None
    when another process is flushing. Call `done()` once the rows are written."""
    return _store().take()


def discard():
    _store().discard()


_COUNT = struct.Struct("<q")
_UNTIL = struct.Struct("<d")
GENERATION, LEASE = b"generation", b"flush-lease"


def _count(value):
    return _COUNT.unpack(value)[0] if value is not None else 0


class LMDBBuffer:
    """The embedded default: an LMDB file every process maps into its memory. Counting a view
    is a write transaction in that shared memory, without an fsync (the system writes the pages
    back; a killed process loses nothing it committed, a crash of the machine may lose the last
    seconds); reading the pending views takes no lock. A SQLite file cost a worker several
    times the CPU per view under load: each statement a hand-off of the interpreter lock, and
    pages the other processes had changed read again.

    Keys: b"t:<post>" a post's pending total, b"d:<post>:<day>" its views that day."""

    # Address space reserved, not disk: the sparse file holds what is pending, a few pages.
    MAP_SIZE = 64 * 1024 * 1024

    def __init__(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.env = lmdb.open(
            path, subdir=False, map_size=self.MAP_SIZE, max_dbs=3, max_readers=1024,
            sync=False, metasync=False, writemap=True,
        )  # fmt: skip
        self.env.reader_check()  # reader slots left by killed processes
        self.pending = self.env.open_db(b"pending")
        self.flushing = self.env.open_db(b"flushing")
        self.meta = self.env.open_db(b"meta")
        with self.env.begin(write=True, db=self.meta) as txn:
            txn.put(GENERATION, _COUNT.pack(_random()), overwrite=False)

    def add(self, post_id, day):
        total = b"t:%d" % post_id
        with self.env.begin(write=True, db=self.pending) as txn:
            pending = _count(txn.get(total)) + 1
            txn.put(total, _COUNT.pack(pending))
            key = b"d:%d:%s" % (post_id, day.encode())
            txn.put(key, _COUNT.pack(_count(txn.get(key)) + 1))
            flushing = _count(txn.get(total, db=self.flushing))
            generation = _count(txn.get(GENERATION, db=self.meta))
        return pending + flushing, generation

    def pending_total(self, post_id):
        total = b"t:%d" % post_id
        with self.env.begin(db=self.pending, buffers=True) as txn:
            return (
                _count(txn.get(total)) + _count(txn.get(total, db=self.flushing)),
                _count(txn.get(GENERATION, db=self.meta)),
            )

    def take(self):
        now = time.time()
        with self.env.begin(write=True, db=self.flushing) as txn:
            lease = txn.get(LEASE, db=self.meta)
            if lease is not None and _UNTIL.unpack(lease)[0] > now:
                return None
            txn.put(LEASE, _UNTIL.pack(now + LEASE_SECONDS), db=self.meta)
            for key, value in txn.cursor(db=self.pending):
                txn.put(key, _COUNT.pack(_count(txn.get(key)) + _count(value)))
            txn.drop(self.pending, delete=False)
            rows = [self._row(key, _count(value)) for key, value in txn.cursor()]

        def done(written=True):
            with self.env.begin(write=True, db=self.meta) as txn:
                if written and rows:
                    txn.drop(self.flushing, delete=False)
                    txn.put(GENERATION, _COUNT.pack(_random()))
                txn.delete(LEASE)

        return rows, done

    @staticmethod
    def _row(key, count):
        kind, post_id, *day = key.decode().split(":", 2)
        if kind == "t":
            return int(post_id), None, count, 0
        return int(post_id), day[0], 0, count

    def discard(self):
        with self.env.begin(write=True, db=self.meta) as txn:
            txn.drop(self.pending, delete=False)
            txn.drop(self.flushing, delete=False)
            txn.delete(LEASE)
            txn.put(GENERATION, _COUNT.pack(_random()))


class RedisBuffer:
    PENDING, FLUSHING, LEASE, GENERATION = (
        "inkwell:views:pending",
        "inkwell:views:flushing",
        "inkwell:views:flush-lease",
        "inkwell:views:generation",
    )

    # Adds the pending views to those already set aside (by a flush that died), atomically.
    SET_ASIDE = """
        local pending = redis.call('HGETALL', KEYS[1])
        for i = 1, #pending, 2 do redis.call('HINCRBY', KEYS[2], pending[i], pending[i + 1]) end
        redis.call('DEL', KEYS[1])
        return redis.call('HGETALL', KEYS[2])
    """

    def __init__(self, url):
        self.redis = redis.Redis.from_url(url)

    def add(self, post_id, day):
        pipe = self.redis.pipeline()
        pipe.hincrby(self.PENDING, f"{post_id}:{day}:daily", 1)
        pipe.hincrby(self.PENDING, f"{post_id}:total", 1)
        pipe.hget(self.FLUSHING, f"{post_id}:total")
        pipe.get(self.GENERATION)
        _, pending, flushing, generation = pipe.execute()
        return pending + int(flushing or 0), self._known(generation)

    def pending_total(self, post_id):
        pending, flushing, generation = (
            self.redis.pipeline()
            .hget(self.PENDING, f"{post_id}:total")
            .hget(self.FLUSHING, f"{post_id}:total")
            .get(self.GENERATION)
            .execute()
        )
        return int(pending or 0) + int(flushing or 0), self._known(generation)

    def _known(self, generation):
        """The generation, a new one first if Redis lost it (a restart, an eviction)."""
        if generation is None:
            self.redis.set(self.GENERATION, _random(), nx=True)
            generation = self.redis.get(self.GENERATION)
        return generation

    def take(self):
        if not self.redis.set(self.LEASE, 1, nx=True, ex=LEASE_SECONDS):
            return None
        try:
            fields = self.redis.eval(self.SET_ASIDE, 2, self.PENDING, self.FLUSHING)
        except BaseException:
            self.redis.delete(self.LEASE)
            raise
        fields = dict(zip(fields[::2], fields[1::2], strict=True))
        rows = {}
        for field, count in fields.items():
            parts = field.decode().split(":")
            if parts[-1] == "total":
                rows.setdefault((int(parts[0]), None), [0, 0])[0] += int(count)
            else:
                rows.setdefault((int(parts[0]), parts[1]), [0, 0])[1] += int(count)

        def done(written=True):
            if written and fields:
                self.redis.pipeline().delete(self.FLUSHING).set(
                    self.GENERATION, _random()
                ).execute()
            self.redis.delete(self.LEASE)

        return [(post, day, total, daily) for (post, day), (total, daily) in rows.items()], done

    def discard(self):
        self.redis.pipeline().delete(self.PENDING, self.FLUSHING, self.LEASE).set(
            self.GENERATION, _random()
        ).execute()
