"""The Redis change feed (config/redis_changes.py): a thread answers the small reads every request
makes (the content version, a post's pending views) from its memory while nothing changed in
Redis, and reads Redis again as soon as any process wrote, or when it cannot know."""

import subprocess
import sys
import time

import pytest
import redis
from django.core.cache import cache

from blog import freshness
from blog.stats.buffer import RedisBuffer
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


def test_a_change_that_published_nothing_is_read_within_the_time_reads_are_kept(
    feed, own_redis, monkeypatch, settings
):
    monkeypatch.setattr(redis_cache, "READS_KEPT_SECONDS", 0.2)
    cache.set(KEY, "first", None)
    assert read() == "first"
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    made_key = cache.make_and_validate_key(KEY)
    server.set(made_key, cache._cache._serializer.dumps("behind its back"))
    time.sleep(0.3)
    assert read() == "behind its back"


def test_an_entry_that_expires_is_not_remembered_past_its_expiry(feed):
    cache.set(KEY, "short-lived", 1)
    assert read() == "short-lived"
    time.sleep(1.1)
    assert read() is None


def test_without_its_subscription_a_process_reads_everything_from_redis(
    feed, own_redis, monkeypatch, settings
):
    monkeypatch.setattr(redis_changes, "RETRY_SECONDS", 0.2)
    cache.set(KEY, "first", None)
    assert read() == "first"
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    server.client_kill_filter(_type="pubsub")  # Redis dropped the subscription
    made_key = cache.make_and_validate_key(KEY)
    server.set(made_key, cache._cache._serializer.dumps("unannounced"))
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


def test_a_content_change_reaches_every_reader_of_the_version_at_once(feed, db):
    before = freshness.content_version()
    freshness.content_changed()
    assert freshness.content_version() != before


def test_a_posts_pending_views_are_read_again_after_any_process_counts(own_redis, settings):
    location = settings.INKWELL_VIEWS_BUFFER
    mine, theirs = RedisBuffer(location), RedisBuffer(location)
    subscribed(mine.feed)
    mine.add(7, "2026-11-26")
    assert mine.pending_total(7)[0] == 1
    own_redis.clear()
    assert mine.pending_total(7)[0] == 1 and own_redis == []
    theirs.add_many({(7, "2026-11-26"): 4})
    deadline = time.monotonic() + 2
    while mine.pending_total(7)[0] != 5:  # another process's message arrives
        assert time.monotonic() < deadline
    rows, done = mine.take()
    assert rows and mine.pending_total(7)[0] == 5  # set aside, still pending
    done()
    assert mine.pending_total(7)[0] == 0
