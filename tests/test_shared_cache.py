"""The embedded default's cache (config/sqlite_cache.py) is one store for every process: what
one process adds or counts, the others see, and `add`/`incr` stay exact when processes race."""

import multiprocessing
import time

import pytest

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
