"""Views counted but not yet written to the database, shared by every process of the site: a
Redis hash with REDIS_URL, else a small LMDB file under INKWELL_VAR_DIR that every process maps
into its memory (settings.INKWELL_VIEWS_BUFFER). A worker killed at any moment loses nothing the
buffer holds; each worker adds its views a tenth of a second at a time (blog/stats/held.py).

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

import contextlib
import logging
import os
import secrets
import sqlite3
import struct
import threading
import time
from collections import Counter

import lmdb
import redis

from config.change_mark import ChangeMark
from config.redis_changes import ChangeFeed

from ..hot_settings import hot
from .held import HeldViews

LEASE_SECONDS = 60
READS_KEPT = 1024  # posts whose pending views a thread remembers between two changes
READS_KEPT_SECONDS = 1.0

logger = logging.getLogger(__name__)


def _random():
    return secrets.randbits(63)


def _store():
    location = hot.INKWELL_VIEWS_BUFFER  # a forked child starts without its parent's stores
    key = (location, "held") if holds_views() else location
    store = _stores.get(key)
    if store is None:
        with _opening:
            store = _stores.get(key)
            if store is None:
                shared = _stores.get(location) or _stores.setdefault(location, _open(location))
                store = shared if key == location else _stores.setdefault(key, HeldViews(shared))
    return store


def _open(location):
    if location.startswith(REDIS_SCHEMES):
        return RedisBuffer(location)
    return LMDBBuffer(location)


def holds_views():
    """Whether this process holds the views it counts for a moment (blog/stats/held.py): where
    a thread pushes them (INKWELL_VIEWS_FLUSH_SECONDS and INKWELL_VIEWS_HOLD_SECONDS set)."""
    return bool(hot.INKWELL_VIEWS_HOLD_SECONDS and hot.INKWELL_VIEWS_FLUSH_SECONDS)


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def push():
    """Add the views this process holds to the shared buffer (those held while holding was
    on, too, if a setting turned it off since)."""
    for store in list(_stores.values()):
        if isinstance(store, HeldViews):
            store.push()


_stores = {}
_opening = threading.Lock()


def _forget_parents_stores():
    """A forked child opens the buffer afresh: LMDB's environment belongs to the process that
    opened it (and py-lmdb would refuse to open it again until it is closed here)."""
    global _opening
    _opening = threading.Lock()
    for key, store in list(_stores.items()):
        _stores.pop(key)
        if isinstance(store, LMDBBuffer):
            with contextlib.suppress(lmdb.Error):
                store.close()


os.register_at_fork(after_in_child=_forget_parents_stores)


def add(post_id, day):
    """Count one view of `post_id` on `day`; return (the post's views not yet in the database,
    the buffer's generation)."""
    return _store().add(post_id, day.isoformat())


def add_if(condition, post_id, day):
    """As add(), in one step with checking `condition`, [(key, value)] that must all still
    hold in the buffer's Redis: None, and nothing counted, when one does not."""
    return _store().add_if(condition, post_id, day.isoformat())


def pending_total(post_id):
    """(The post's views not yet in the database, the buffer's generation)."""
    return _store().pending_total(post_id)


def take():
    """Set the pending views aside: (rows [(post_id, day, total, daily)], done), or None
    when another process is flushing. Call `done()` once the rows are written."""
    try:
        push()  # what this process holds, whatever the settings say now
    except Exception:  # they stay held; the views already pending are written all the same
        logger.exception("could not add the views this process holds to the buffer")
    return _store().take()  # which also frees what killed readers held, for the next push


def discard():
    for store in list(_stores.values()):
        if isinstance(store, HeldViews):
            store.discard()
    _store().discard()


_COUNT = struct.Struct("<q")
_LEASE = struct.Struct("<dq")  # until when, and whose
GENERATION, LEASE = b"generation", b"flush-lease"


def _count(value):
    return _COUNT.unpack(value)[0] if value is not None else 0


def _total_key(post_id):
    return b"t:%d" % post_id


def _day_key(post_id, day):
    return b"d:%d:%s" % (post_id, day.encode())


def _increase(txn, key, count):
    """Add `count` to the number under `key` in `txn`'s database; return the new number."""
    total = _count(txn.get(key)) + count
    txn.put(key, _COUNT.pack(total))
    return total


class LMDBBuffer:
    """The embedded default: an LMDB file every process maps into its memory. Counting a view
    is a write transaction in that shared memory, without an fsync: a killed process loses
    nothing it committed, a crash of the machine may lose the last seconds of views but leaves
    the file whole (LMDB keeps that promise without MDB_WRITEMAP). Reading the pending views
    takes no lock. A SQLite file cost a worker several times the CPU per view under load: each
    statement a hand-off of the interpreter lock, and pages the other processes had changed
    read again.

    Keys: b"t:<post>" a post's pending total, b"d:<post>:<day>" its views that day (_row reads
    them back)."""

    # Address space reserved, not disk: the file holds what is pending, a few pages.
    MAP_SIZE = 64 * 1024 * 1024
    BROKEN = (
        lmdb.CorruptedError,
        lmdb.InvalidError,
        lmdb.PageNotFoundError,
        lmdb.IncompatibleError,  # a database's entry is not a database (a flipped bit)
    )

    def __init__(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        try:
            self._open(path)
        except self.BROKEN:
            logger.exception("the view buffer %s is damaged; starting a new one", path)
            with contextlib.suppress(FileNotFoundError):  # another process moved it first
                os.replace(path, f"{path}.damaged-{int(time.time())}")
            self._open(path)
        self._mark = ChangeMark(f"{path}-mark")
        self._local = threading.local()
        with self._writing(self.pending) as txn:
            txn.put(GENERATION, _COUNT.pack(_random()), overwrite=False, db=self.meta)
            self._adopt_sqlite_buffer(txn, path)

    @contextlib.contextmanager
    def _writing(self, db):
        """A write transaction; once it is committed, every process reads the buffer again."""
        with self.env.begin(write=True, db=db) as txn:
            yield txn
        try:
            self._mark.move()
        except OSError:  # committed all the same: readers see it within READS_KEPT_SECONDS
            logger.exception("could not mark the view buffer changed")

    def _open(self, path):
        env = lmdb.open(
            path, subdir=False, map_size=self.MAP_SIZE, max_dbs=3, max_readers=1024, sync=False
        )
        try:
            env.reader_check()  # reader slots left by killed processes
            self.pending = env.open_db(b"pending")
            self.flushing = env.open_db(b"flushing")
            self.meta = env.open_db(b"meta")
        except BaseException:
            env.close()  # a damaged file is set aside and opened anew, in this process
            raise
        self.env = env

    def _adopt_sqlite_buffer(self, txn, path):
        """Views left in the SQLite file that held the buffer before (`views-buffer.sqlite3`),
        added to the pending ones once: the file is renamed in the same transaction."""
        legacy = path.removesuffix(".lmdb") + ".sqlite3"
        if legacy == path or not os.path.exists(legacy):
            return
        db = sqlite3.connect(legacy, timeout=10)
        try:
            rows = db.execute(
                "SELECT post_id, day, sum(total), sum(daily) FROM "
                "(SELECT * FROM pending UNION ALL SELECT * FROM flushing) GROUP BY post_id, day"
            ).fetchall()
        except sqlite3.Error:
            logger.exception("could not read the views left in %s", legacy)
            return
        finally:
            db.close()
        for post_id, day, total, daily in rows:
            _increase(txn, _total_key(post_id), total)
            _increase(txn, _day_key(post_id, day), daily)
        os.replace(legacy, f"{legacy}.adopted")
        logger.info("%d rows of views moved from %s into %s", len(rows), legacy, path)

    def add(self, post_id, day):
        try:
            return self._add(post_id, day)
        except lmdb.MapFullError:  # pages held by a killed reader: free them, once
            self.env.reader_check()
            return self._add(post_id, day)

    def _add(self, post_id, day):
        total = _total_key(post_id)
        with self._writing(self.pending) as txn:
            pending = _increase(txn, total, 1)
            _increase(txn, _day_key(post_id, day), 1)
            flushing = _count(txn.get(total, db=self.flushing))
            generation = _count(txn.get(GENERATION, db=self.meta))
        return pending + flushing, generation

    def add_many(self, views, batch=None):
        """Add `views`, {(post_id, day): count}, in one write (a commit that raised did not
        happen: `batch` is not needed to send it again)."""
        try:
            self._add_many(views)
        except lmdb.MapFullError:  # as in add
            self.env.reader_check()
            self._add_many(views)

    @staticmethod
    def arrived(batch):
        return False  # a commit that raised did not happen

    def _add_many(self, views):
        with self._writing(self.pending) as txn:
            for (post_id, day), count in views.items():
                _increase(txn, _total_key(post_id), count)
                _increase(txn, _day_key(post_id, day), count)

    def pending_total(self, post_id):
        """Read in a transaction once, then again only after the buffer changed (ChangeMark):
        a page counted on LMDB reads it for every view, and the others write ten times a
        second."""
        reads = self._reads()
        found = reads.get(post_id)
        if found is None:
            found = reads[post_id] = self._read_pending_total(post_id)
        return found

    def _reads(self):
        """{post: (pending, generation)} this thread read since the buffer last changed; kept
        at most READS_KEPT_SECONDS, for a writer killed between its commit and the mark."""
        return self._mark.reads(self._local, READS_KEPT_SECONDS, READS_KEPT)

    def _read_pending_total(self, post_id):
        total = _total_key(post_id)
        with self.env.begin(db=self.pending, buffers=True) as txn:
            return (
                _count(txn.get(total)) + _count(txn.get(total, db=self.flushing)),
                _count(txn.get(GENERATION, db=self.meta)),
            )

    def take(self):
        # Every process's flusher comes by each second: reader slots of killed processes
        # would otherwise keep LMDB from using its freed pages again, until the map is full.
        self.env.reader_check()
        holder = _random()
        with self._writing(self.flushing) as txn:
            now, lease = time.time(), txn.get(LEASE, db=self.meta)
            if lease is not None and _LEASE.unpack(lease)[0] > now:
                return None
            txn.put(LEASE, _LEASE.pack(now + LEASE_SECONDS, holder), db=self.meta)
            for key, value in txn.cursor(db=self.pending):
                _increase(txn, key, _count(value))
            txn.drop(self.pending, delete=False)
            rows = [self._row(key, _count(value)) for key, value in txn.cursor()]

        def done(written=True):
            with self._writing(self.meta) as txn:
                lease = txn.get(LEASE)
                if lease is None or _LEASE.unpack(lease)[1] != holder:
                    return  # the lease ran out and another flush took these rows over
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
        with self._writing(self.meta) as txn:
            txn.drop(self.pending, delete=False)
            txn.drop(self.flushing, delete=False)
            txn.delete(LEASE)
            txn.put(GENERATION, _COUNT.pack(_random()))

    def close(self):
        self.env.close()


class RedisBuffer:
    """With REDIS_URL: a hash of pending views, another of those a flush set aside. Each write
    is announced on the buffer's change feed (config/redis_changes.py), so a thread reads a
    post's pending views once and then again only after any process changed the buffer."""

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
        redis.pcall('PUBLISH', ARGV[1], '')
        return redis.call('HGETALL', KEYS[2])
    """
    # Ends a flush that still holds the lease (ARGV[1]): one that ran out of time and was
    # taken over must leave the takeover's views and lease alone.
    FINISH = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if ARGV[2] == '1' then
            redis.call('DEL', KEYS[2])
            redis.call('SET', KEYS[3], ARGV[3])
            redis.pcall('PUBLISH', ARGV[4], '')
        end
        redis.call('DEL', KEYS[1])
        return 1
    """

    # Counts a view only while every key of the condition (the first #KEYS - 3 keys) holds
    # its value (ARGV in the same order).
    COUNT_IF = """
        local checked = #KEYS - 3
        for i = 1, checked do
            if redis.call('GET', KEYS[i]) ~= ARGV[i] then return false end
        end
        redis.call('HINCRBY', KEYS[checked + 1], ARGV[checked + 1], 1)
        local counted = {
            redis.call('HINCRBY', KEYS[checked + 1], ARGV[checked + 2], 1),
            redis.call('HGET', KEYS[checked + 2], ARGV[checked + 2]),
            redis.call('GET', KEYS[checked + 3]),
        }
        redis.pcall('PUBLISH', ARGV[checked + 3], '')
        return counted
    """

    # Adds a batch of views (ARGV[3:], field and count) once, however often it is sent: a push
    # whose answer was lost is sent again and must not count twice. Its mark (KEYS[2]) is
    # removed with the next batch's (KEYS[3], the last one known to have arrived).
    ADD_BATCH = """
        if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then
            for i = 3, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
        end
        if KEYS[3] ~= KEYS[2] then redis.call('DEL', KEYS[3]) end
        redis.pcall('PUBLISH', ARGV[1], '')
        return 1
    """
    BATCH_MARK_MS = 24 * 3600 * 1000

    def __init__(self, url):
        self.redis = redis.Redis.from_url(url)
        self._count_if = self.redis.register_script(self.COUNT_IF)
        self._add_batch = self.redis.register_script(self.ADD_BATCH)
        self._arrived = None  # the mark of the last batch known to have arrived
        self.feed = ChangeFeed(url, "views")
        self._local = threading.local()

    def add(self, post_id, day):
        return self.add_if((), post_id, day)  # no condition: counted in one round trip

    def add_if(self, condition, post_id, day):
        counted = self._count_if(
            keys=[key for key, _ in condition] + [self.PENDING, self.FLUSHING, self.GENERATION],
            args=[value for _, value in condition]
            + [f"{post_id}:{day}:daily", f"{post_id}:total", self.feed.channel],
        )
        if counted is None:
            return None
        self.feed.moved()
        pending, flushing, generation = counted
        return pending + int(flushing or 0), self._known(generation)

    def add_many(self, views, batch):
        """Add `views`, {(post_id, day): count}, in one step, once for each `batch` (a random
        number): send it again with the same number when this raised."""
        totals = Counter()
        args = [self.feed.channel, self.BATCH_MARK_MS]
        for (post_id, day), count in views.items():
            args += [f"{post_id}:{day}:daily", count]
            totals[post_id] += count
        for post_id, count in totals.items():
            args += [f"{post_id}:total", count]
        mark = self._batch_mark(batch)
        try:
            self._add_batch(keys=[self.PENDING, mark, self._arrived or mark], args=args)
        finally:  # a script whose answer was lost may have run: read the buffer again
            self.feed.moved()
        self._arrived = mark

    @staticmethod
    def _batch_mark(batch):
        return f"inkwell:views:batch:{batch}"

    def arrived(self, batch):
        """Whether `batch` was added (its answer lost on the way back): asked only while a
        push is in doubt, and False when Redis cannot say."""
        mark = self._batch_mark(batch)
        try:
            arrived = bool(self.redis.exists(mark))
        except redis.RedisError:
            return False
        if arrived:
            self._arrived = mark
            self.feed.moved()  # what this process read before it may not count the batch
        return arrived

    def pending_total(self, post_id):
        """Read once, then again only after the buffer changed (ChangeFeed)."""
        reads = self.feed.reads(self._local, READS_KEPT_SECONDS, READS_KEPT)
        found = reads.get(post_id)
        if found is None:
            found = reads[post_id] = self._read_pending_total(post_id)
        return found

    def _read_pending_total(self, post_id):
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
            if self.redis.set(self.GENERATION, _random(), nx=True):
                self.feed.publish(self.redis)
            generation = self.redis.get(self.GENERATION)
        return generation

    def take(self):
        holder = str(_random())
        if not self.redis.set(self.LEASE, holder, nx=True, px=int(LEASE_SECONDS * 1000)):
            return None
        try:
            fields = self.redis.eval(
                self.SET_ASIDE, 2, self.PENDING, self.FLUSHING, self.feed.channel
            )
        except BaseException:
            self.redis.delete(self.LEASE)
            raise
        self.feed.moved()
        fields = dict(zip(fields[::2], fields[1::2], strict=True))
        rows = {}
        for field, count in fields.items():
            parts = field.decode().split(":")
            if parts[-1] == "total":
                rows.setdefault((int(parts[0]), None), [0, 0])[0] += int(count)
            else:
                rows.setdefault((int(parts[0]), parts[1]), [0, 0])[1] += int(count)

        def done(written=True):
            drop = "1" if written and fields else "0"
            keys = (self.LEASE, self.FLUSHING, self.GENERATION)
            self.redis.eval(self.FINISH, 3, *keys, holder, drop, _random(), self.feed.channel)
            self.feed.moved()

        return [(post, day, total, daily) for (post, day), (total, daily) in rows.items()], done

    def discard(self):
        pipe = self.redis.pipeline().delete(self.PENDING, self.FLUSHING, self.LEASE)
        pipe.set(self.GENERATION, _random())
        pipe.execute()
        self.feed.publish(self.redis)

    def close(self):
        self.redis.close()
