import os
from pathlib import Path

import django_tasks
import pytest
from django.conf import settings
from django.core.cache import caches
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import PostFactory

# The fuzz suites (tests/test_fuzz_*.py): the same examples on every run, few enough that the
# whole set stays within a minute. HYPOTHESIS_PROFILE=deep searches far longer, by hand.
_fuzz = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "print_blob": False,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("inkwell", max_examples=30, **_fuzz)
hypothesis_settings.register_profile("deep", max_examples=500, **{**_fuzz, "derandomize": False})
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "inkwell"))


def pytest_configure(config):
    # Passwords (accounts, application passwords) hashed quickly: the suite signs in thousands
    # of times, and PBKDF2's deliberate slowness would dominate it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Embedded links are fetched only in the tests that serve them on loopback.
    settings.INKWELL_OEMBED_DISCOVERY = False
    # Static files straight from the source tree, so the suite needs no collectstatic;
    # background tasks run at once (still only after commit, where the code queues them).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Live-server threads must not keep PostgreSQL connections open past the test database.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks there at start
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Task modules were imported (and the backend built) while Django set up: start afresh.
    django_tasks.task_backends = django_tasks.TaskBackendHandler()
    # The shared cache and view buffer of this test run, not those of the site in var/.
    if "sqlite_cache" in settings.CACHES["default"]["BACKEND"]:
        settings.CACHES["default"]["LOCATION"] = str(_run_file("test-cache"))
        caches.__dict__.pop("settings", None)
        caches._settings = None
    if not settings.INKWELL_VIEWS_BUFFER.startswith("redis"):
        settings.INKWELL_VIEWS_BUFFER = str(_run_file("test-views-buffer", ".lmdb"))
    settings.INKWELL_VIEWS_FLUSH_SECONDS = 0  # tests flush when they mean to


def _run_file(name, suffix=".sqlite3"):
    return settings.VAR_DIR / f"{name}-{os.getpid()}{suffix}"


def pytest_unconfigure(config):
    for path in (_run_file("test-cache"), _run_file("test-views-buffer", ".lmdb")):
        for suffix in ("", "-wal", "-shm", "-mark", "-lock"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    from blog.stats import daily

    cache.clear()
    yield
    cache.clear()
    daily.discard_pending()  # a test's unwritten views die with its database


@pytest.fixture
def reader_headers():
    return {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def post(db):
    return PostFactory()


@pytest.fixture
def own_redis(settings):
    """The shared cache and the view buffer on a Redis database of this fixture's own (14 on
    127.0.0.1, or INKWELL_TEST_OWN_REDIS for runs side by side), emptied before and after;
    what it hands back counts the round trips made to Redis from then on (each command or
    pipeline sent)."""
    import redis

    url = os.environ.get("INKWELL_TEST_OWN_REDIS", "redis://127.0.0.1:6379/14")
    settings.CACHES = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": url}}
    settings.INKWELL_VIEWS_BUFFER = url
    server = redis.Redis.from_url(url)
    server.flushdb()
    sent = []
    real_send = redis.connection.AbstractConnection.send_packed_command

    def send(connection, command, *args, **kwargs):
        sent.append(command)
        return real_send(connection, command, *args, **kwargs)

    redis.connection.AbstractConnection.send_packed_command = send
    try:
        yield sent
    finally:
        redis.connection.AbstractConnection.send_packed_command = real_send
        server.flushdb()
