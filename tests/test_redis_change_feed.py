"""The Redis change feed (config/redis_changes.py): a thread answers the small reads every request
makes (the content version, a post's pending views) from its memory while nothing changed in
Redis, and reads Redis again as soon as any process wrote, or when it cannot know."""

import os
import subprocess
import sys
import threading
import time

import pytest
import redis
from django.core.cache import cache

from blog.stats.buffer import RedisBuffer
from blog.stats.held import HeldViews
from config import redis_cache, redis_changes
from tests.server import ROOT

KEY = "feed-test:value"


def subscribed(feed):
    """Wait for this process's subscription to be confirmed (made at the first read)."""
    deadline = time.monotonic() + 5
    while feed.read() is None:
        assert time.monotonic() < deadline, "never subscribed"
        time.sleep(0.005)


def read(key=KEY):
    return cache.get_many([key]).get(key)


def write_unannounced(location, value):
    """Store `value` under KEY as the cache would, without publishing the change."""
    stored = cache._cache._serializer.dumps(value)
    redis.Redis.from_url(location).set(cache.make_and_validate_key(KEY), stored)


@pytest.fixture
def feed(own_redis):
    cache.clear()  # through the backend own_redis configured, which publishes
    subscribed(cache._cache.feed)
    return cache._cache.feed


def test_a_value_read_again_while_nothing_changed_costs_no_round_trip(feed, own_redis):
    cache.set(KEY, "first", None)
    assert read() == "first"
    own_redis.clear()
    assert [read() for _ in range(5)] == ["first"] * 5
    assert own_redis == []


def test_a_write_in_this_process_is_read_at_once(feed):
    cache.set(KEY, "first", None)
    assert read() == "first"
    cache.set(KEY, "second", None)
    assert read() == "second"
    cache.delete(KEY)
    assert read() is None
    cache.add(KEY, "third", None)
    assert read() == "third"


def test_a_write_by_another_process_is_read_once_it_has_published(feed, settings):
    cache.set(KEY, "first", None)
    assert read() == "first"
    another = (
        "from django.conf import settings; settings.configure();"
        "from config.redis_cache import RedisCache;"
        f"RedisCache({settings.CACHES['default']['LOCATION']!r}, {{}}).set({KEY!r}, 'theirs', None)"
    )
    subprocess.run([sys.executable, "-c", another], cwd=ROOT, check=True)
    assert read() == "theirs"


def test_an_add_that_finds_the_key_made_elsewhere_reads_that_value_at_once(feed, settings):
    """Two workers make a lost key (the content version after an eviction): the one whose add
    fails reads the other's value, even before that worker's message arrives."""
    assert read() is None  # remembered as missing
    write_unannounced(settings.CACHES["default"]["LOCATION"], "theirs")
    assert cache.add(KEY, "mine", None) is False
    assert read() == "theirs"


def test_a_change_that_published_nothing_is_read_within_the_time_reads_are_kept(
    feed, own_redis, monkeypatch, settings
):
    monkeypatch.setattr(redis_cache, "READS_KEPT_SECONDS", 0.2)
    cache.set(KEY, "first", None)
    assert read() == "first"
    write_unannounced(settings.CACHES["default"]["LOCATION"], "behind its back")
    time.sleep(0.3)
    assert read() == "behind its back"


def test_an_entry_that_expires_is_not_remembered_past_its_expiry(feed, monkeypatch):
    monkeypatch.setattr(redis_cache, "READS_KEPT_SECONDS", 10)  # its expiry alone ends it
    cache.set(KEY, "short-lived", 1)
    assert read() == "short-lived"
    time.sleep(1.1)
    assert read() is None


def test_an_answer_read_again_is_each_callers_own_and_ends_with_its_first_expiry(
    feed, own_redis, monkeypatch
):
    monkeypatch.setattr(redis_cache, "READS_KEPT_SECONDS", 10)  # expiries alone end them
    cache.set("version", "one", None)
    cache.set("due", 1.5, 1)
    cache.set("session", {"cart": []}, 60)
    assert cache.get_many(["version", "due"]) == {"version": "one", "due": 1.5}
    assert cache.get("session") == {"cart": []}
    own_redis.clear()
    cache.get_many(["version", "due"])["version"] = "changed by one caller"
    assert cache.get_many(["version", "due"]) == {"version": "one", "due": 1.5}
    cache.get("session")["cart"].append("changed by one caller")
    assert cache.get("session") == {"cart": []}
    assert own_redis == [], "each of them was answered from memory"
    time.sleep(1.1)  # nothing written meanwhile: "due" expired all the same
    assert cache.get_many(["version", "due"]) == {"version": "one"}


def test_a_remembered_answer_is_never_given_for_another_version(feed):
    cache.set(KEY, "v1", None, version=1)
    assert cache.get_many([KEY], version=1) == {KEY: "v1"}
    assert cache.get_many([KEY], version=1.0) == {}  # stored under ":1.0:…"


def test_without_its_subscription_a_process_reads_everything_from_redis(
    feed, own_redis, monkeypatch, settings
):
    monkeypatch.setattr(redis_changes, "RETRY_SECONDS", 0.2)
    cache.set(KEY, "first", None)
    assert read() == "first"
    location = settings.CACHES["default"]["LOCATION"]
    # Redis drops this process's subscription (only it: other runs may share the server).
    host, port = redis_changes._subscription(location)._socket.getsockname()[:2]
    redis.Redis.from_url(location).client_kill_filter(addr=f"{host}:{port}")
    write_unannounced(location, "unannounced")
    time.sleep(0.05)  # the closed connection reaches this process
    assert read() == "unannounced"
    own_redis.clear()
    read()
    assert own_redis, "read from Redis while not subscribed"
    time.sleep(0.3)
    subscribed(feed)  # subscribed again a moment later: reads are remembered again
    read()
    own_redis.clear()
    read()
    assert own_redis == []


def test_a_posts_pending_views_are_read_again_after_another_process_counts(own_redis, settings):
    location = settings.INKWELL_VIEWS_BUFFER
    mine = RedisBuffer(location)
    subscribed(mine.feed)
    mine.add(7, "2026-11-26")
    assert mine.pending_total(7)[0] == 1
    own_redis.clear()
    assert mine.pending_total(7)[0] == 1 and own_redis == []
    another = (
        "from blog.stats.buffer import RedisBuffer;"
        f"RedisBuffer({location!r}).add_many({{(7, '2026-11-26'): 4}}, batch=1)"
    )
    subprocess.run([sys.executable, "-c", another], cwd=ROOT, check=True)
    assert mine.pending_total(7)[0] == 5
    rows, done = mine.take()
    assert rows and mine.pending_total(7)[0] == 5  # set aside, still pending
    done()
    assert mine.pending_total(7)[0] == 0


def test_a_batch_of_views_sent_again_is_counted_once(own_redis, settings):
    store = RedisBuffer(settings.INKWELL_VIEWS_BUFFER)
    store.add_many({(7, "2026-11-26"): 3}, batch=41)
    store.add_many({(7, "2026-11-26"): 3}, batch=41)  # its answer was lost: sent again
    store.add_many({(7, "2026-11-26"): 2}, batch=42)
    assert store.pending_total(7)[0] == 5
    rows, done = store.take()
    assert sorted(rows, key=str) == sorted([(7, None, 5, 0), (7, "2026-11-26", 0, 5)], key=str)
    done()


def test_a_push_whose_answer_was_lost_is_sent_again_and_counted_once(own_redis, settings):
    store = RedisBuffer(settings.INKWELL_VIEWS_BUFFER)
    views = HeldViews(store)
    arrived = store.add_many

    def answer_lost(days, batch):
        arrived(days, batch)
        raise redis.ConnectionError("Connection closed by server.")

    for _ in range(4):
        views.add(7, "2026-11-26")
    store.add_many = answer_lost
    with pytest.raises(redis.ConnectionError):
        views.push()
    assert views.add(7, "2026-11-26")[0] == 5  # the batch counted once, in doubt or not
    store.add_many = arrived
    views.push()  # the batch whose answer was lost, as it was
    views.push()  # then the view counted since
    assert views.pending_total(7)[0] == 5
    assert store.pending_total(7)[0] == 5


@pytest.fixture
def no_channels_user(own_redis, settings):
    """A Redis user allowed every key and command but no channel (Redis 7's default for new
    users): it can neither PUBLISH nor subscribe."""
    location = settings.CACHES["default"]["LOCATION"]
    admin = redis.Redis.from_url(location)
    name = f"inkwell-test-{os.getpid()}"
    admin.acl_setuser(
        name, enabled=True, passwords=["+no channels 42"], keys=["*"], commands=["+@all"],
        reset_channels=True,
    )  # fmt: skip
    url = location.replace("redis://", f"redis://{name}:no%20channels%2042@")
    try:
        yield url
    finally:
        admin.acl_deluser(name)


def test_a_redis_that_allows_no_channels_leaves_every_read_to_redis_and_loses_nothing(
    no_channels_user, settings, db, client
):
    settings.CACHES = {
        "default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": no_channels_user}
    }
    settings.INKWELL_VIEWS_BUFFER = no_channels_user
    cache.set(KEY, "first", None)
    assert read() == "first"
    write_unannounced(no_channels_user, "second")
    assert read() == "second"  # nothing remembered: it could not subscribe
    views = HeldViews(RedisBuffer(no_channels_user))
    for _ in range(3):
        views.add(7, "2026-11-26")
    views.push()
    rows, done = views.take()
    assert (7, None, 3, 0) in rows
    done()
    assert views.pending_total(7)[0] == 0


def test_a_thread_that_finds_the_socket_emptied_by_another_waits_for_its_count(feed):
    subscription = redis_changes._subscription(feed._url)
    before = feed.read()
    real = subscription._pubsub.get_message
    read_off, go = threading.Event(), threading.Event()

    def slow_get_message(**kwargs):
        message = real(**kwargs)
        if message is not None and message["type"] == "pmessage":
            read_off.set()  # off the socket, not yet counted
            go.wait(5)
        return message

    subscription._pubsub.get_message = slow_get_message
    redis.Redis.from_url(feed._url).publish(feed.channel, b"")
    time.sleep(0.05)  # delivered to this process's socket
    draining = threading.Thread(target=feed.read)
    draining.start()
    assert read_off.wait(5)
    seen = {}
    asking = threading.Thread(target=lambda: seen.setdefault("token", feed.read()))
    asking.start()
    asking.join(0.3)
    assert asking.is_alive()  # it waits for the drain
    go.set()
    draining.join()
    asking.join()
    assert seen["token"] != before
