"""Random bytes for the secrets every response carries (CSRF secrets and masks, CSP nonces,
comment form tokens), read from the system's random source a few kilobytes at a time.

Each read of os.urandom is a system call, during which the worker's other threads take the
interpreter lock: on a replayed page (blog/page_replay.py) the hand-offs cost more than the
secrets. Each thread draws from a pool of its own, no byte is handed out twice, and a forked
process never uses its parent's pool."""

import base64
import os
import threading

from config import process

POOL_BYTES = 4096

_pools = threading.local()


def take(count):
    """`count` bytes never handed out before."""
    pool, pid = _pools.__dict__, process.pid()
    if pool.get("pid") != pid or pool["at"] + count > len(pool["bytes"]):
        pool.update(pid=pid, bytes=os.urandom(max(count, POOL_BYTES)), at=0)
    at = pool["at"]
    pool["at"] = at + count
    return pool["bytes"][at : at + count]


def token_urlsafe(count):
    """As secrets.token_urlsafe(count)."""
    return base64.urlsafe_b64encode(take(count)).rstrip(b"=").decode()
