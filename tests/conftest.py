import os

import django_tasks
import pytest
from django.conf import settings
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


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    from blog.stats import daily

    cache.clear()
    yield
    cache.clear()
    daily.discard_pending()  # a test's unwritten daily views die with its database


@pytest.fixture
def reader_headers():
    return {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def post(db):
    return PostFactory()
