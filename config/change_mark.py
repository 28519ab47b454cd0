"""A mark that tells every process on the machine that a shared file changed."""

import mmap
import os
import time

from . import process


class ChangeMark:
    """A random number in a small file beside a store shared by every process (the SQLite cache,
    the LMDB view buffer), mapped into every process's memory and set anew after each write to
    the store, by any process: a thread that saw the same mark before reading a value knows the
    value is still current, without a call into the store (SQLite's gives up the interpreter
    lock, a costly hand-off between a worker's busy threads; LMDB's opens a transaction).

    A new random mark, not a counter, so two writers need no lock: whichever writes last, the
    mark differs from any a reader saw before the commits. A process killed between its commit
    and the mark leaves values stale for the others until the next write, or until the time
    each reader keeps what it read runs out."""

    SIZE = 8

    def __init__(self, path):
        self._path = path
        self._pid = None

    def _map(self):
        if self._pid != process.pid():  # mapped afresh in a forked child
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.fstat(fd).st_size < self.SIZE:
                    os.ftruncate(fd, self.SIZE)
                self._mapped = mmap.mmap(fd, self.SIZE)
            finally:
                os.close(fd)
            self._pid = process.pid()
        return self._mapped

    def read(self):
        return self._map()[: self.SIZE]

    def reads(self, local, seconds, limit):
        """The dict of values a thread (`local`, its namespace) read while this mark stayed the
        same (thread_reads)."""
        return thread_reads(local, self.read(), seconds, limit)

    def move(self):
        # Not the random module: a program that seeds it (a test library does) would repeat marks.
        self._map()[: self.SIZE] = os.urandom(self.SIZE)


# Values no caller can change: a store's memo may hand the same object to every caller.
IMMUTABLE = frozenset({str, bytes, float, bool, type(None)})


def small_and_immutable(value, limit):
    """Whether a memo may keep `value` itself for every reader: no caller can change it, and
    it is not larger than `limit` bytes (or characters)."""
    if type(value) in (str, bytes):
        return len(value) <= limit
    return type(value) in IMMUTABLE or type(value) is int


def answer_key(keys, version):
    """What a cache's memo keeps the answer of get_many(`keys`, `version`) under: (keys,
    version), or None where it keeps none. Only string keys and int versions each make one
    stored key (versions 1 and 1.0 make two)."""
    keys = tuple(keys)
    if type(version) in (int, type(None)) and all(type(key) is str for key in keys):
        return keys, version
    return None


def thread_reads(local, mark, seconds, limit):
    """The dict of values a thread (`local`, its namespace) read while a store's `mark` stayed
    the same: a new, empty one once the mark moved, `seconds` after the last was made (for a
    writer killed before it moved the mark), when it holds more than `limit`, or whenever the
    mark is None (nothing can tell whether the store changed)."""
    now = time.monotonic()
    if (
        mark is None
        or getattr(local, "read_mark", None) != mark
        or now - local.read_since > seconds
        or len(local.reads) > limit
    ):
        local.read_mark, local.read_since, local.reads = mark, now, {}
    return local.reads
