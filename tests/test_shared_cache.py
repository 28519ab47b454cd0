"""The embedded default's cache (config/sqlite_cache.py) is one store for every process: what
one process adds or counts, the others see, and `add`/`incr` stay exact when processes race."""

import multiprocessing
import random
import time

import pytest

from config import sqlite_cache
from config.sqlite_cache import SQLiteCache


def cache_at(path):
    return SQLiteCache(str(path), {"KEY_PREFIX": "t"})


def _claim(path, key, results):
    results.put(cache_at(path).add(key, 1, 60))


def _count(path, times):
    cache = cache_at(path)
    for _ in range(times):
        cache.incr("hits")


def _in_processes(target, *args, count=6):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=target, args=args) for _ in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0


def test_only_one_of_many_processes_claims_a_token(tmp_path):
    results = multiprocessing.get_context("spawn").Queue()
    _in_processes(_claim, tmp_path / "cache.sqlite3", "token", results)
    claims = [results.get(timeout=10) for _ in range(6)]
    assert claims.count(True) == 1


def test_increments_from_many_processes_are_all_counted(tmp_path):
    cache_at(tmp_path / "cache.sqlite3").set("hits", 0, 60)
    _in_processes(_count, tmp_path / "cache.sqlite3", 50)
    assert cache_at(tmp_path / "cache.sqlite3").get("hits") == 300


def test_values_expire_and_an_expired_key_can_be_added_again(tmp_path):
    cache = cache_at(tmp_path / "cache.sqlite3")
    cache.set("options", {"title": "Inkwell"}, 1)
    assert cache_at(tmp_path / "cache.sqlite3").get("options") == {"title": "Inkwell"}
    assert cache.add("options", "other", 60) is False
    time.sleep(1.1)
    assert cache.get("options") is None
    assert cache.add("options", "fresh", 60) is True
    assert cache.get_many(["options", "missing"]) == {"options": "fresh"}


def test_incr_of_a_missing_key_is_an_error_as_in_django(tmp_path):
    with pytest.raises(ValueError):
        cache_at(tmp_path / "cache.sqlite3").incr("nothing")


def _set(path, key, value):
    cache_at(path).set(key, value, 60)


def test_a_value_read_again_is_what_another_process_last_wrote(tmp_path):
    path = tmp_path / "cache.sqlite3"
    cache = cache_at(path)
    cache.set("version", "one", 60)
    assert cache.get("version") == "one" and cache.get_many(["version"]) == {"version": "one"}
    _in_processes(_set, path, "version", "two", count=1)  # another process changes it
    assert cache.get("version") == "two"
    assert cache.get("elsewhere") is None
    _in_processes(_set, path, "elsewhere", "written", count=1)  # a key read as missing
    assert cache.get_many(["version", "elsewhere"]) == {"version": "two", "elsewhere": "written"}
    cache.delete("version")  # this process's own write
    assert cache.get("version") is None


def _touch(path, key):
    cache_at(path).touch(key, 1)


def test_counts_and_expiries_changed_by_another_process_are_read_at_once(tmp_path):
    path = tmp_path / "cache.sqlite3"
    cache = cache_at(path)
    cache.set("hits", 5, 60)
    cache.set("rate", 1, 60)
    assert cache.get_many(["hits", "rate"]) == {"hits": 5, "rate": 1}
    _in_processes(_count, path, 2, count=1)
    assert cache.get("hits") == 7
    _in_processes(_touch, path, "rate", count=1)  # now expires in a second
    assert cache.get("rate") == 1
    time.sleep(1.1)
    assert cache.get("rate") is None


def test_a_change_made_without_the_mark_is_read_within_a_second(tmp_path, monkeypatch):
    """As when a process dies between its write and the mark that tells the others of it."""
    path = tmp_path / "cache.sqlite3"
    cache = cache_at(path)
    cache.set("version", "one", 60)
    assert cache.get("version") == "one"
    writer = cache_at(path)
    monkeypatch.setattr(writer._mark, "move", lambda: None)
    writer.set("version", "two", 60)
    assert cache.get("version") == "one"  # remembered: nothing told this thread
    time.sleep(sqlite_cache.READS_KEPT_SECONDS + 0.1)
    assert cache.get("version") == "two"


def test_each_reader_gets_its_own_copy_of_a_value_read_again(tmp_path):
    cache = cache_at(tmp_path / "cache.sqlite3")
    cache.set("session", {"cart": []}, 60)
    cache.get("session")["cart"].append("changed by one caller")
    assert cache.get("session") == {"cart": []}


def test_a_value_read_again_still_expires_on_time(tmp_path):
    cache = cache_at(tmp_path / "cache.sqlite3")
    cache.set("page", "kept", 1)
    assert cache.get("page") == "kept"
    time.sleep(1.1)  # nothing written meanwhile: the value read before is still remembered
    assert cache.get("page") is None


def test_get_many_asked_again_follows_changes_and_expiries_and_copies_its_answer(tmp_path):
    path = tmp_path / "cache.sqlite3"
    cache = cache_at(path)
    cache.set("version", "one", None)
    cache.set("due", 1.5, 0.5)
    cache.set("session", {"cart": []}, 60)
    assert cache.get_many(["version", "due"]) == {"version": "one", "due": 1.5}
    cache.get_many(["version", "due"])["version"] = "changed by one caller"
    assert cache.get_many(["version", "due"]) == {"version": "one", "due": 1.5}
    _in_processes(_set, path, "version", "two", count=1)  # another process changes it
    assert cache.get_many(["version", "due"]) == {"version": "two", "due": 1.5}
    cache.get_many(["session"])["session"]["cart"].append("changed by one caller")
    assert cache.get_many(["session"]) == {"session": {"cart": []}}
    time.sleep(0.6)  # nothing written meanwhile: "due" expired all the same
    assert cache.get_many(["version", "due"]) == {"version": "two"}


def test_large_values_are_read_afresh_not_remembered(tmp_path):
    cache = cache_at(tmp_path / "cache.sqlite3")
    cache.set("page", "x" * 100_000, 60)
    cache.set("version", "v1", 60)
    assert len(cache.get("page")) == 100_000 and cache.get("version") == "v1"
    assert list(cache._local.reads) == [cache.make_and_validate_key("version")]


def test_a_change_is_read_at_once_even_where_the_random_module_is_seeded(tmp_path):
    """Test libraries (hypothesis) seed Python's random module again and again."""
    path = tmp_path / "cache.sqlite3"
    cache = cache_at(path)
    random.seed(7)
    cache.set("version", "one", 60)
    assert cache.get("version") == "one"
    random.seed(7)
    cache_at(path).set("version", "two", 60)
    assert cache.get("version") == "two"


def test_a_remembered_answer_is_never_given_for_another_version(tmp_path):
    cache = cache_at(tmp_path / "cache.sqlite3")
    cache.set("version", "v1", None, version=1)
    assert cache.get_many(["version"], version=1) == {"version": "v1"}
    assert cache.get_many(["version"], version=1.0) == {}  # stored under ":1.0:version"
