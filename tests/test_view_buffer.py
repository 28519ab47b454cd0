"""Views wait in a buffer shared by every process until they are written: a worker killed at any
moment loses none but those it counted in its last tenth of a second (blog/stats/held.py), the
admin's chart shows every worker's views, its total equals the counter, and a database held by
a writer never turns a reader's page into an error."""

import datetime
import json
import os
import re
import signal
import sqlite3
import threading
import time
import urllib.request
from pathlib import Path

import lmdb
import pytest
from django.conf import settings
from django.db import connection

from blog.models import PostViews
from blog.stats import buffer, counter, daily
from tests.factories import PostFactory
from tests.server import Server

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"

SETUP = """
import json
from django.contrib.auth import get_user_model
from tests.factories import PostFactory
get_user_model().objects.create_superuser("boss", "boss@example.com", "a long pass phrase 42")
print(json.dumps(PostFactory(title="Counted everywhere").get_absolute_url()))
"""

TOTALS = """
from blog.models import PostViewDay, PostViews
print(PostViews.objects.get().count, sum(PostViewDay.objects.values_list("count", flat=True)))
"""


def test_views_counted_by_killed_workers_reach_the_admin_chart_and_equal_the_counter(
    tmp_path,
):
    site = Server(tmp_path, workers=2, INKWELL_VIEWS_FLUSH_SECONDS="3600")
    url = json.loads(site.manage("shell", "-c", SETUP).splitlines()[-1])
    site.start()
    try:
        mark, loads = site.log_size(), 0
        while loads < 24 or len(site.pids_since(mark)) < 2:  # until both workers counted some
            assert loads < 500, "one worker answered every request"
            request = urllib.request.Request(site.url + url, headers={"User-Agent": READER})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
            loads += 1
        served = site.pids_since(mark)
        time.sleep(0.5)  # each worker holds its views a moment (INKWELL_VIEWS_HOLD_SECONDS)
        for pid in served:  # no chance to write anything: SIGKILL
            os.kill(int(pid), signal.SIGKILL)
        time.sleep(1)
        dashboard = site.admin("boss", "a long pass phrase 42").open(site.url + "/admin/")
        chart_total = re.search(r'data-total="(\d+)"', dashboard.read().decode()).group(1)
        assert chart_total == str(loads)
        totals = site.manage("shell", "-c", TOTALS).splitlines()[-1].split()
        assert totals == [str(loads), str(loads)]
    finally:
        site.stop()


@pytest.mark.django_db(transaction=True)
def test_a_writer_holding_the_database_never_turns_a_readers_page_into_an_error(client):
    post = PostFactory()
    client.get(post.get_absolute_url(), headers={"User-Agent": READER})
    held, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        if connection.vendor == "sqlite":
            writer = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE blog_postviews SET count = count WHERE post_id = ?", [post.pk])
        else:
            import psycopg

            db = connection.settings_dict
            writer = psycopg.connect(
                dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or None
            )
            writer.execute("SELECT 1 FROM blog_postviews WHERE post_id = %s FOR UPDATE", [post.pk])
        held.set()
        release.wait(60)
        writer.rollback()
        writer.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        held.wait(10)
        for expected in (2, 3):
            response = client.get(post.get_absolute_url(), headers={"User-Agent": READER})
            assert response.status_code == 200
            assert f"Views: {expected}" in response.content.decode()
    finally:
        release.set()
        holder.join()
    assert PostViews.objects.get(post=post).count == 0  # every view waits in the buffer
    daily.flush()
    assert PostViews.objects.get(post=post).count == 3
    assert daily.last_days(post)[-1][1] == 3
    assert buffer.pending_total(post.pk)[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_flush_that_dies_half_way_leaves_its_views_for_the_next(client, monkeypatch):
    post = PostFactory()
    for _ in range(3):
        client.get(post.get_absolute_url(), headers={"User-Agent": READER})

    def broken_write(rows):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(daily, "_write", broken_write)
    assert daily.flush() is False
    monkeypatch.undo()
    client.get(post.get_absolute_url(), headers={"User-Agent": READER})
    assert daily.flush() is True
    assert daily.last_days(post)[-1][1] == 4
    assert PostViews.objects.get(post=post).count == 4


def _buffer_made_anew():
    """As after a Redis restart that lost the buffer's keys, or a new buffer file."""
    store = buffer._store()
    if isinstance(store, buffer.RedisBuffer):
        store.redis.delete(store.GENERATION)
    else:
        path = settings.INKWELL_VIEWS_BUFFER
        buffer._stores.clear()
        for suffix in ("", "-lock"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.mark.django_db(transaction=True)
def test_a_buffer_made_anew_never_shows_fewer_views_than_are_stored(client):
    post = PostFactory()
    assert counter.current_views(post) == 0  # this process now knows the stored count
    for _ in range(4):
        client.get(post.get_absolute_url(), headers={"User-Agent": READER})
    counter.flush_all()
    assert PostViews.objects.get(post=post).count == 4
    _buffer_made_anew()
    assert counter.current_views(post) == 4


def test_threads_counting_at_once_in_a_new_process_share_one_buffer():
    buffer._stores.clear()  # as in a worker that has counted nothing yet
    ready, errors = threading.Barrier(8), []

    def count():
        ready.wait()
        try:
            buffer.add(424242, datetime.date(2026, 11, 26))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert buffer.pending_total(424242)[0] == 8


DAY = datetime.date(2026, 11, 26)


def test_a_process_killed_while_reading_the_buffer_never_stops_the_counting(tmp_path):
    path = str(tmp_path / "views.lmdb")
    store = buffer.LMDBBuffer(path)  # opened while the reader below is still alive
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # a worker killed in the middle of a read of the pending views
        store.close()
        txn = buffer.LMDBBuffer(path).env.begin()
        txn.get(b"t:1")
        os.write(write, b"reading")
        time.sleep(60)
        os._exit(0)
    assert os.read(read, 7) == b"reading"
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    for _ in range(8000):  # the dead reader's slot holds every page freed since: the map fills
        store.add(1, DAY.isoformat())
    assert store.pending_total(1)[0] == 8000


def test_a_forked_process_counts_in_the_buffer_its_parent_opened(tmp_path, settings):
    settings.INKWELL_VIEWS_BUFFER = str(tmp_path / "views.lmdb")
    buffer.add(7, DAY)
    child = os.fork()
    if child == 0:
        try:
            buffer.add(7, DAY)
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert buffer.pending_total(7)[0] == 2


def test_views_left_in_the_sqlite_buffer_of_earlier_versions_are_counted_once(tmp_path):
    legacy = tmp_path / "views-buffer.sqlite3"
    with sqlite3.connect(legacy) as db:
        for table in ("pending", "flushing"):
            db.execute(
                f"CREATE TABLE {table} (post_id INTEGER, day TEXT, total INTEGER, daily INTEGER)"
            )
        db.execute("INSERT INTO pending VALUES (3, '2026-11-25', 4, 4)")
        db.execute("INSERT INTO flushing VALUES (3, '2026-11-25', 2, 2)")
    db.close()
    path = str(tmp_path / "views-buffer.lmdb")
    assert buffer.LMDBBuffer(path).pending_total(3)[0] == 6
    assert not legacy.exists()
    store = buffer.LMDBBuffer(path)  # opened again: nothing adopted twice
    assert store.pending_total(3)[0] == 6
    rows, done = store.take()
    assert sorted(rows, key=str) == sorted([(3, None, 6, 0), (3, "2026-11-25", 0, 6)], key=str)


def test_a_damaged_buffer_file_is_set_aside_and_counting_goes_on(tmp_path):
    path = tmp_path / "views.lmdb"
    path.write_bytes(b"not a buffer at all " * 1000)
    store = buffer.LMDBBuffer(str(path))
    assert store.add(1, DAY.isoformat())[0] == 1
    assert [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]


def test_a_buffer_whose_databases_are_damaged_is_set_aside_too(tmp_path):
    path = str(tmp_path / "views.lmdb")
    env = lmdb.open(path, subdir=False, max_dbs=3)
    with env.begin(write=True) as txn:
        txn.put(b"meta", b"not a database")  # where the buffer keeps its named database
    env.close()
    store = buffer.LMDBBuffer(path)
    assert store.add(1, DAY.isoformat())[0] == 1
    assert [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]


def test_a_flush_whose_lease_ran_out_leaves_the_next_flushs_views_alone(monkeypatch):
    buffer.add(5, DAY)
    monkeypatch.setattr(buffer, "LEASE_SECONDS", 0.001)
    _, slow_done = buffer.take()  # a flush so slow that its lease runs out
    monkeypatch.undo()
    time.sleep(0.05)
    buffer.add(5, DAY)
    _, takeover_done = buffer.take()  # another flush takes the views set aside over
    assert buffer.take() is None  # and holds the lease
    slow_done()  # too late: must leave the takeover's views and lease alone
    assert buffer.pending_total(5)[0] == 2 and buffer.take() is None
    takeover_done()
    assert buffer.pending_total(5)[0] == 0


def test_pending_views_read_again_include_what_another_process_wrote_since(tmp_path):
    path = str(tmp_path / "views.lmdb")
    store = buffer.LMDBBuffer(path)
    store.add(7, DAY.isoformat())
    assert store.pending_total(7)[0] == 1
    assert store.pending_total(7)[0] == 1  # read again, as every counted view does
    child = os.fork()
    if child == 0:  # another worker counts, then its flusher writes them all
        try:
            store.close()
            other = buffer.LMDBBuffer(path)
            other.add_many({(7, DAY.isoformat()): 4})
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert store.pending_total(7)[0] == 5
    rows, done = store.take()
    generation = store.pending_total(7)[1]
    done()
    assert store.pending_total(7) != (5, generation)  # written: a new generation, none pending
    assert store.pending_total(7)[0] == 0
