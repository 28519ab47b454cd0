"""The embedded default's cache: one SQLite file under INKWELL_VAR_DIR, shared by every gunicorn
worker, the task worker and management commands on the machine.

Why not Django's own backends: the local-memory cache is per process (each worker kept its own
site options, widgets, rate limits and form-token guard); the file-based cache and the database
cache implement `add` and `incr` as a read followed by a write, so two processes can both "add"
the same form token or lose rate-limit increments. Here each operation is one SQLite statement
(`INSERT … ON CONFLICT`, `UPDATE … RETURNING`), atomic across processes, on a file of its own
(WAL, no fsync per write) so cache writes never wait on the content database's write lock.
Integers are stored as SQLite integers so `incr` happens in the database; everything else is
pickled. The connection is opened per thread and process and kept open.
"""

import functools
import os
import pickle
import sqlite3
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

from . import process
from .change_mark import IMMUTABLE, ChangeMark, answer_key, small_and_immutable

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cache "
    "(key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL) WITHOUT ROWID"
)
LIVE = "(expires IS NULL OR expires > ?)"
READS_KEPT = 64  # rows a thread remembers between two changes to the file
READ_BYTES_KEPT = 4096  # the largest row it remembers
READS_KEPT_SECONDS = 1.0  # and for at most this long (see ChangeMark)


def _encode(value):
    if type(value) is int and -(2**63) <= value < 2**63:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _decode(value):
    if isinstance(value, int):
        return value
    if isinstance(value, Unpickled):
        return value.value
    return pickle.loads(value)


class Unpickled:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def _kept(value):
    """(A small row's value for the read that fetched it, the value its thread keeps), unpickled
    once: kept unpickled only when no caller can change it, else pickled for the next caller."""
    if not isinstance(value, bytes):
        return value, value
    unpickled = Unpickled(pickle.loads(value))
    return unpickled, (unpickled if type(unpickled.value) in IMMUTABLE else value)


class SQLiteCache(BaseCache):
    """LOCATION is the file's path; OPTIONS: MAX_ENTRIES (default 100,000), CULL_EVERY (writes
    between two culls in a process, default 500)."""

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._path = location
        self._max_entries = int(options.get("MAX_ENTRIES", 100_000))
        self._cull_every = int(options.get("CULL_EVERY", 500))
        self._local = threading.local()
        self._mark = ChangeMark(f"{location}-mark")
        self._writes = 0
        # The same few keys are made on every request (the content version, the options).
        self._made_keys = functools.lru_cache(maxsize=1024, typed=True)(
            super().make_and_validate_key
        )

    def make_and_validate_key(self, key, version=None):
        return self._made_keys(key, version)

    @property
    def _db(self):
        return self._thread().db

    def _thread(self):
        """This thread's connection and rows read, opened afresh in a forked child."""
        local = self._local
        if getattr(local, "pid", None) != process.pid():
            os.makedirs(os.path.dirname(os.path.abspath(self._path)), exist_ok=True)
            db = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(SCHEMA)
            local.db, local.pid = db, process.pid()
            local.read_mark, local.read_since, local.reads = None, 0, {}  # not the parent's
        return local

    def _expiry(self, timeout):
        return self.get_backend_timeout(timeout)

    def _wrote(self):
        self._writes += 1
        try:
            if self._writes % self._cull_every == 0:
                self._cull()
        finally:
            self._mark.move()

    def _cull(self):
        db = self._db
        db.execute("DELETE FROM cache WHERE expires IS NOT NULL AND expires <= ?", [time.time()])
        (count,) = db.execute("SELECT count(*) FROM cache").fetchone()
        if count > self._max_entries:
            # Drop the tenth soonest to expire (entries without expiry last).
            db.execute(
                "DELETE FROM cache WHERE key IN (SELECT key FROM cache "
                "ORDER BY expires IS NULL, expires LIMIT ?)",
                [max(count - self._max_entries, count // 10)],
            )

    def _reads(self):
        """This thread's rows read since the cache last changed (ChangeMark): {key: (value,
        expires)}, value None for a key not found; while the mark stays, every row read is
        still what the file holds. A value a caller could change is unpickled for each."""
        return self._mark.reads(self._thread(), READS_KEPT_SECONDS, READS_KEPT)

    def _rows(self, keys):
        """[(key, value, expires)] for the keys of `keys` that hold a live entry."""
        reads = self._reads()
        rows = {key: reads[key] for key in keys if key in reads}
        if len(rows) < len(keys):
            missing = [key for key in keys if key not in rows]
            fetched = dict.fromkeys(missing, (None, None))
            marks = ",".join("?" * len(missing))
            for key, value, expires in self._db.execute(
                f"SELECT key, value, expires FROM cache WHERE key IN ({marks})", missing
            ):
                fetched[key] = (value, expires)
            for key, (value, expires) in fetched.items():
                if isinstance(value, bytes) and len(value) > READ_BYTES_KEPT:
                    rows[key] = (value, expires)  # a kept page: read afresh next time
                    continue
                now_value, kept_value = _kept(value)  # versions, options, sessions
                rows[key], reads[key] = (now_value, expires), (kept_value, expires)
        now = time.time()
        return [
            (key, value, expires)
            for key, (value, expires) in rows.items()
            if value is not None and (expires is None or expires > now)
        ]

    def get(self, key, default=None, version=None):
        key = self._made_keys(key, version)
        for _, value, _ in self._rows([key]):
            return _decode(value)
        return default

    def get_many(self, keys, version=None):
        """As Django's; the answer is kept with the thread's rows read while the cache does not
        change, when it holds no value a caller could change (the content version is asked
        for on every request, and found in one dictionary lookup)."""
        keys = tuple(keys)
        asked = answer_key(keys, version)
        reads = self._reads()
        kept = reads.get(asked) if asked is not None else None
        if kept is not None and (kept[1] is None or kept[1] > time.time()):
            return dict(kept[0])
        made = {self._made_keys(key, version): key for key in keys}
        rows = self._rows(list(made))
        found = {made[key]: _decode(value) for key, value, _ in rows}
        if asked is not None and all(
            small_and_immutable(value, READ_BYTES_KEPT) for value in found.values()
        ):
            expiries = [expires for _, _, expires in rows if expires is not None]
            reads[asked] = (found, min(expiries, default=None))
        return dict(found)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._db.execute(
            "INSERT OR REPLACE INTO cache (key, value, expires) VALUES (?, ?, ?)",
            [key, _encode(value), self._expiry(timeout)],
        )
        self._wrote()

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        expires = self._expiry(timeout)
        rows = [
            (self.make_and_validate_key(key, version=version), _encode(value), expires)
            for key, value in data.items()
        ]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT OR REPLACE INTO cache (key, value, expires) VALUES (?, ?, ?)", rows
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        self._wrote()
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store `value` unless a live entry exists; True when stored (atomic across processes)."""
        key = self.make_and_validate_key(key, version=version)
        stored = self._db.execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE cache.expires IS NOT NULL AND cache.expires <= ? RETURNING 1",
            [key, _encode(value), self._expiry(timeout), time.time()],
        ).fetchone()
        self._wrote()
        return stored is not None

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._db.execute(
            f"UPDATE cache SET value = value + ? WHERE key = ? AND {LIVE} "
            "AND typeof(value) = 'integer' RETURNING value",
            [delta, key, time.time()],
        ).fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found or not an integer.")
        self._mark.move()
        return row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        touched = self._db.execute(
            f"UPDATE cache SET expires = ? WHERE key = ? AND {LIVE} RETURNING 1",
            [self._expiry(timeout), key, time.time()],
        ).fetchone()
        self._mark.move()
        return touched is not None

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return (
            self._db.execute(
                f"SELECT 1 FROM cache WHERE key = ? AND {LIVE}", [key, time.time()]
            ).fetchone()
            is not None
        )

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        deleted = self._db.execute("DELETE FROM cache WHERE key = ?", [key]).rowcount
        self._mark.move()
        return deleted > 0

    def delete_many(self, keys, version=None):
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if keys:
            marks = ",".join("?" * len(keys))
            self._db.execute(f"DELETE FROM cache WHERE key IN ({marks})", keys)
            self._mark.move()

    def clear(self):
        self._db.execute("DELETE FROM cache")
        self._mark.move()
