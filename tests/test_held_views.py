"""Each worker holds the views it counts for a tenth of a second before adding them to the
shared buffer in one write (blog/stats/held.py), on the embedded default's LMDB file as on
Redis: within the worker every view still shows a number of its own, and a graceful stop
writes what it holds."""

import json
import os
import signal
import sqlite3
import threading
import time
import urllib.request

import pytest
import redis

from blog.stats.buffer import LMDBBuffer, RedisBuffer
from blog.stats.held import HeldViews
from tests.server import Server

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


@pytest.fixture(params=["lmdb", "redis"])
def shared_buffer(request, tmp_path):
    if request.param == "lmdb":
        return LMDBBuffer(str(tmp_path / "views.lmdb"))
    url = request.getfixturevalue("own_redis_url")
    return RedisBuffer(url)


@pytest.fixture
def own_redis_url():
    """A Redis database of the test's own, emptied before and after."""
    url = os.environ.get("INKWELL_TEST_OWN_REDIS", "redis://127.0.0.1:6379/14")
    server = redis.Redis.from_url(url)
    server.flushdb()
    yield url
    server.flushdb()


def test_every_view_shows_a_number_of_its_own_while_the_held_views_are_pushed(shared_buffer):
    views = HeldViews(shared_buffer)
    threads, each = 8, 150
    shown, counting = [], threading.Barrier(threads + 1)
    done = threading.Event()

    def read(count_views):
        counting.wait()
        shown.extend(count_views())

    def push_all_the_time():
        counting.wait()
        while not done.is_set():
            views.push()

    readers = [
        threading.Thread(
            target=read, args=(lambda: [views.add(7, "2026-11-26")[0] for _ in range(each)],)
        )
        for _ in range(threads)
    ]
    pusher = threading.Thread(target=push_all_the_time)
    for thread in [*readers, pusher]:
        thread.start()
    for thread in readers:
        thread.join()
    done.set()
    pusher.join()

    assert sorted(shown) == list(range(1, threads * each + 1))
    views.push()
    assert views.store.pending_total(7)[0] == threads * each
    views.close()


SETUP = """
import json
from tests.factories import PostFactory
print(json.dumps(PostFactory(title="Held a while").get_absolute_url()))
"""

PENDING_AND_STORED = """
from blog.models import Post, PostViews
from blog.stats import buffer
post = Post.objects.get(title="Held a while")
stored = PostViews.objects.filter(post=post).values_list("count", flat=True).first() or 0
print(buffer.pending_total(post.pk)[0], stored)
"""


@pytest.mark.parametrize("on_redis", [False, True], ids=["lmdb", "redis"])
def test_a_graceful_stop_writes_the_views_each_worker_still_holds(tmp_path, on_redis, request):
    redis_url = {"REDIS_URL": request.getfixturevalue("own_redis_url")} if on_redis else {}
    site = Server(
        tmp_path,
        workers=2,
        **redis_url,
        INKWELL_VIEWS_FLUSH_SECONDS="3600",
        INKWELL_VIEWS_HOLD_SECONDS="3600",  # held until the workers stop
    )
    url = json.loads(site.manage("shell", "-c", SETUP).splitlines()[-1])
    site.start()
    try:
        for _ in range(12):
            request = urllib.request.Request(site.url + url, headers={"User-Agent": READER})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
        held = site.manage("shell", "-c", PENDING_AND_STORED).split()[-2:]
        assert held == ["0", "0"]  # nothing in the shared buffer yet, nothing stored
    finally:
        site.stop()  # SIGTERM, as a service manager stops it
    assert site.manage("shell", "-c", PENDING_AND_STORED).split()[-2:] == ["0", "12"]


def _load(site, url, times):
    for _ in range(times):
        request = urllib.request.Request(site.url + url, headers={"User-Agent": READER})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200


def test_views_leave_the_worker_while_its_flush_waits_for_a_busy_database(tmp_path):
    site = Server(tmp_path, workers=1, INKWELL_VIEWS_FLUSH_SECONDS="0.2")
    url = json.loads(site.manage("shell", "-c", SETUP).splitlines()[-1])
    site.start()
    writer = sqlite3.connect(tmp_path / "inkwell.sqlite3", isolation_level=None)
    try:
        mark = site.log_size()
        _load(site, url, 4)
        time.sleep(1)  # flushed: stored
        writer.execute("BEGIN IMMEDIATE")
        _load(site, url, 2)
        time.sleep(0.5)  # the next flush waits for the writer, up to SQLite's busy timeout
        _load(site, url, 10)
        time.sleep(1)  # pushed all the same, ten times a second
        for pid in site.pids_since(mark):
            os.kill(int(pid), signal.SIGKILL)
    finally:
        writer.rollback()
        writer.close()
        site.stop()
    pending, stored = map(int, site.manage("shell", "-c", PENDING_AND_STORED).split()[-2:])
    assert (pending, stored) == (12, 4)
