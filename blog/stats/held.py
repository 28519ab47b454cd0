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
        self._lock = threading.Lock()  # readers never see a push half done
        self._days = Counter()  # (post, day) -> views held
        self._totals = Counter()  # post -> views held
        # A push whose outcome is unknown (its answer lost): (days, totals, batch), sent again
        # as the same batch, which the store adds once (RedisBuffer.add_many).
        self._sending = None

    def add(self, post_id, day):
        with self._lock:
            self._days[post_id, day] += 1
            self._totals[post_id] += 1
            return self._pending_total(post_id)

    def pending_total(self, post_id):
        with self._lock:
            return self._pending_total(post_id)

    def _pending_total(self, post_id):
        pending, generation = self.store.pending_total(post_id)
        held = self._totals[post_id]
        if self._sending is not None and self.store.arrived(self._sending[2]):
            self._sending = None  # its answer was lost, not the batch: pending counts it
        if self._sending is not None:
            held += self._sending[1][post_id]
        return pending + held, generation

    def push(self):
        """Add the held views to the shared buffer (one write), and hold none."""
        with self._lock:
            if self._sending is None:
                if not self._days:
                    return
                self._sending = (self._days, self._totals, secrets.randbits(63))
                self._days, self._totals = Counter(), Counter()
            days, _, batch = self._sending
            self.store.add_many(days, batch)
            self._sending = None

    def take(self):
        return self.store.take()  # buffer.take() pushes first

    def discard(self):
        with self._lock:
            self._days.clear()
            self._totals.clear()
            self._sending = None
            self.store.discard()

    def close(self):
        self.store.close()
