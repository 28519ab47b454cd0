import django_tasks
import pytest
from django.conf import settings

from tests.factories import PostFactory


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

    from blog.stats import counter, daily

    cache.clear()
    yield
    cache.clear()
    daily.discard_pending()  # a test's unwritten daily views die with its database
    counter.discard_pending()


@pytest.fixture
def reader_headers():
    return {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def post(db):
    return PostFactory()
