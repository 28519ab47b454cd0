"""Views a worker counted in the last moment, held in its own memory and added to the shared
buffer (blog/stats/buffer.py: the LMDB file, or Redis) together: every
INKWELL_VIEWS_HOLD_SECONDS by a thread of their own (blog/stats/daily.py), and before any
flush, so at exit too.

Why hold them: on LMDB there is one writer at a time for every process on the machine, and a
worker's thread that holds that lock needs its own process's interpreter lock to finish. Under
load it waited for it while the other worker's readers waited for the file: a write per view
cost the embedded default 15-25% of its replayed pages' CPU, and now and then whole runs at a
third of the throughput. On Redis a write per view was a round trip per replayed page, half of
its CPU. One write for everything a worker counted in a tenth of a second costs nothing
measurable.

What it costs: a worker killed with SIGKILL loses the views it held, those of its last
INKWELL_VIEWS_HOLD_SECONDS, or more while the buffer cannot be written (a graceful stop
writes them); and a page shows the views every other worker counted up to its last push, so
two workers' counts may differ by that much for that long. Within a worker the count is exact:
every counted view shows a number of its own, and the held views move to the shared buffer in
one step that no reader sees half done.
"""

import secrets
import threading
from collections import Counter


class HeldViews:
    """The shared buffer `store`, with the views counted in this process held back."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()  # one count or push at a time
        self._days = Counter()  # (post, day) -> views held
        self._totals = Counter()  # post -> views held
        self._pushed = Counter()  # post -> views this process added to the store, ever
        self._pushes = 0  # pushes begun: a read of the store made while it stayed put is whole
        # A push whose outcome is unknown (its answer lost): (days, totals, batch), sent again
        # as the same batch, which the store adds once (RedisBuffer.add_many).
        self._sending = None

    def add(self, post_id, day):
        with self._lock:
            self._days[post_id, day] += 1
            self._totals[post_id] += 1
            seen = self._seen(post_id)
        return self._pending_total(post_id, seen)

    def pending_total(self, post_id):
        with self._lock:
            seen = self._seen(post_id)
        return self._pending_total(post_id, seen)

    def _seen(self, post_id):
        """What the post's count is made of here, now (called with the lock held): (views held,
        whether some are in doubt, views pushed, pushes begun)."""
        held = self._totals[post_id]
        if self._sending is not None:
            held += self._sending[1][post_id]
        return held, self._sending is not None, self._pushed[post_id], self._pushes

    def _pending_total(self, post_id, seen):
        """(The post's views not yet in the database as `seen` (_seen) found them, the store's
        generation). The store is read without the lock, which other threads would otherwise
        wait on through a round trip, unless a push began meanwhile (a read of the store would
        then count the views it moved twice, or not at all) or is in doubt; then it is read
        again with the lock held, and what that push moved is taken off the views held."""
        held, in_doubt, pushed, pushes = seen
        if not in_doubt:
            pending, generation = self.store.pending_total(post_id)
            if self._pushes == pushes:
                return pending + held, generation
        with self._lock:
            if self._sending is not None and self.store.arrived(self._sending[2]):
                self._sent()  # its answer was lost, not the batch: pending counts it
            pending, generation = self.store.pending_total(post_id)
            return pending + held - (self._pushed[post_id] - pushed), generation

    def push(self):
        """Add the held views to the shared buffer (one write), and hold none."""
        with self._lock:
            if self._sending is None:
                if not self._days:
                    return
                self._sending = (self._days, self._totals, secrets.randbits(63))
                self._days, self._totals = Counter(), Counter()
            self._pushes += 1
            days, _, batch = self._sending
            self.store.add_many(days, batch)
            self._sent()

    def _sent(self):
        self._pushed.update(self._sending[1])
        self._sending = None

    def take(self):
        return self.store.take()  # buffer.take() pushes first

    def discard(self):
        with self._lock:
            self._pushes += 1
            self._days.clear()
            self._totals.clear()
            self._sending = None
            self.store.discard()

    def close(self):
        self.store.close()
