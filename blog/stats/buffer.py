"""Views counted but not yet written to the database, shared by every process of the site: a
Redis hash with REDIS_URL, else a small SQLite file of its own under INKWELL_VAR_DIR
(settings.INKWELL_VIEWS_BUFFER). A worker killed at any moment loses nothing it counted.

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
import sqlite3
import threading
import time

import redis
from django.conf import settings

LEASE_SECONDS = 60


def _random():
    return secrets.randbits(63)


def _store():
    location = settings.INKWELL_VIEWS_BUFFER
    key = (location, os.getpid(), threading.get_ident())
    store = _stores.get(key)
    if store is None:
        kind = RedisBuffer if location.startswith(("redis://", "rediss://", "unix://")) else None
        store = _stores[key] = (kind or SQLiteBuffer)(location)
    return store


_stores = {}


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


NEW_GENERATION = "UPDATE generation SET n = random()"


class SQLiteBuffer:
    SCHEMA = [
        f"CREATE TABLE IF NOT EXISTS {table} (post_id INTEGER NOT NULL, day TEXT NOT NULL, "
        "total INTEGER NOT NULL DEFAULT 0, daily INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (post_id, day)) WITHOUT ROWID"
        for table in ("pending", "flushing")
    ] + [
        "CREATE TABLE IF NOT EXISTS lease (name TEXT PRIMARY KEY, until REAL NOT NULL)",
        "CREATE TABLE IF NOT EXISTS generation "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO generation (id, n) VALUES (1, random())",
    ]

    def __init__(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.db = sqlite3.connect(path, timeout=10, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        for statement in self.SCHEMA:
            self.db.execute(statement)

    def add(self, post_id, day):
        self.db.execute(
            "INSERT INTO pending (post_id, day, total, daily) VALUES (?, ?, 1, 1) "
            "ON CONFLICT (post_id, day) DO UPDATE SET total = total + 1, daily = daily + 1",
            [post_id, day],
        )
        return self.pending_total(post_id)

    def pending_total(self, post_id):
        return self.db.execute(
            "SELECT (SELECT coalesce(sum(total), 0) FROM pending WHERE post_id = ?) "
            "+ (SELECT coalesce(sum(total), 0) FROM flushing WHERE post_id = ?), "
            "(SELECT n FROM generation)",
            [post_id, post_id],
        ).fetchone()

    def take(self):
        now = time.time()
        leased = self.db.execute(
            "INSERT INTO lease (name, until) VALUES ('flush', ?) ON CONFLICT (name) "
            "DO UPDATE SET until = excluded.until WHERE lease.until < ? RETURNING 1",
            [now + LEASE_SECONDS, now],
        ).fetchone()
        if leased is None:
            return None
        try:
            rows = self._transaction(
                "INSERT INTO flushing SELECT * FROM pending WHERE true "
                "ON CONFLICT (post_id, day) DO UPDATE SET total = total + excluded.total, "
                "daily = daily + excluded.daily",
                "DELETE FROM pending",
                "SELECT post_id, day, total, daily FROM flushing",
            )
        except BaseException:
            self.db.execute("DELETE FROM lease WHERE name = 'flush'")
            raise

        def done(written=True):
            if written and rows:
                self._transaction("DELETE FROM flushing", NEW_GENERATION)
            self.db.execute("DELETE FROM lease WHERE name = 'flush'")

        return rows, done

    def _transaction(self, *statements):
        """Run `statements` in one transaction; return the rows the last one gave."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                rows = self.db.execute(statement).fetchall()
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return rows

    def discard(self):
        tables = ("pending", "flushing", "lease")
        self._transaction(*(f"DELETE FROM {table}" for table in tables), NEW_GENERATION)


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
