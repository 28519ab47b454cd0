"""Settings, and the cache they configure, as the replayed page reads them on every request.

`settings.NAME` runs LazySettings' attribute hook in Python on each read, and
`django.core.cache.cache` looks its backend up in a context-local store on each use: costs
that count when a page is served in a few dozen microseconds. Here a setting is a plain
attribute, read from Django's settings once, and each thread finds its cache backend once;
both are found again after any setting changes (override_settings, in tests)."""

import threading

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed

_changes = 0  # settings changed so far: what was read before a change is read again


class HotSettings:
    def __getattr__(self, name):
        changes = _changes
        value = self.__dict__[name] = getattr(settings, name)
        if changes != _changes:  # changed meanwhile: it may be the old value, read it again
            self.__dict__.pop(name, None)
        return value


hot = HotSettings()
_threads = threading.local()


def default_cache():
    """This thread's backend of the default cache, as `django.core.cache.cache` uses."""
    found = _threads.__dict__.get("cache")
    if found is None or found[0] != _changes:
        found = _threads.cache = (_changes, caches["default"])
    return found[1]


def _forget(**kwargs):
    global _changes
    _changes += 1
    hot.__dict__.clear()


setting_changed.connect(_forget, dispatch_uid="blog.hot_settings")
