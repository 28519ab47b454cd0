"""When cached HTML goes stale: the site's content version, one value in the shared cache that
moves on with every change a reader could see (an entry published or edited, a comment, a
setting, the theme), and by itself when a scheduled post becomes due. Rendered pages and page
parts are cached under keys holding it, so they all go stale at once, in every process."""

import hashlib
import secrets
import threading
import time

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import request_memo
from .hot_settings import default_cache

VERSION_KEY = "inkwell:content:version"
DUE_KEY = "inkwell:content:next-due"  # when the next scheduled post comes out; 0 when none
VERSION_KEYS = (VERSION_KEY, DUE_KEY)  # what reading the version reads
NOTHING_DUE = 0


def _new_version():
    return f"{time.time_ns():x}.{secrets.token_hex(4)}"


def _next_due():
    from .models import Post, Status

    upcoming = (
        Post.objects.filter(
            status__in=[Status.PUBLISH, Status.FUTURE], published_at__gt=timezone.now()
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return upcoming.timestamp() if upcoming else NOTHING_DUE


def content_version():
    """The current content version: one cache read a request (then the request's memo), a
    query only after a change."""
    memo = request_memo.current()
    if memo is not None and VERSION_KEY in memo:
        return memo[VERSION_KEY]
    version = _read_version(memo.pop(_READ_AHEAD, None) if memo is not None else None)
    if memo is not None:
        memo[VERSION_KEY] = version
    return version


def read_ahead(found):
    """The keys of VERSION_KEYS another read of this request fetched along with its own
    (`found`, as get_many returns them; SiteOptions.get): the version is worked out from
    them when asked, without a round trip of its own."""
    memo = request_memo.current()
    if memo is not None and VERSION_KEY not in memo:
        memo[_READ_AHEAD] = {key: found[key] for key in VERSION_KEYS if key in found}


_READ_AHEAD = "inkwell:content:read-ahead"


def _read_version(found=None):
    global _last_read
    if found is None:
        found = default_cache().get_many(VERSION_KEYS)
    version, due = found.get(VERSION_KEY), found.get(DUE_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), None)
        version = cache.get(VERSION_KEY)
    if due is None:
        due = _next_due()
        cache.set(DUE_KEY, due, None)
    if due != NOTHING_DUE and time.time() >= due:
        _bump(schedule=True)
        return cache.get(VERSION_KEY)
    _last_read = (version, due)
    return version


_last_read = (None, NOTHING_DUE)  # (version, next due) as this process read them last
_made = threading.local()  # each thread's last condition, and what it was made for


def condition_for(version, server):
    """What must still hold on the Redis at `server` for `version` to be current, for a script
    there to check in a round trip it makes anyway: [(key, value as stored)] of the version
    and of the next scheduled publication, as this process read them last. None where it
    cannot be put so: another version read since, a publication due, a cache elsewhere."""
    read_version, due = _last_read
    if read_version != version or (due != NOTHING_DUE and time.time() >= due):
        return None
    backend = default_cache()
    if not hasattr(backend, "stored_form") or not backend.on_server(server):
        return None
    made_for = (version, due, backend, server)
    if getattr(_made, "made_for", None) != made_for:
        _made.condition = [
            backend.stored_form(VERSION_KEY, version),
            backend.stored_form(DUE_KEY, due),
        ]
        _made.made_for = made_for
    return _made.condition


def confirmed(version):
    """The request learnt that `version` is current from a script's check (condition_for):
    it is not read again."""
    memo = request_memo.current()
    if memo is not None:
        memo[VERSION_KEY] = version


def _bump(schedule=True):
    version = _new_version()
    cache.set(VERSION_KEY, version, None)
    if schedule:
        cache.delete(DUE_KEY)
    memo = request_memo.current()
    if memo is not None:  # read again, with the next publication when it was deleted
        memo.pop(VERSION_KEY, None)
        memo.pop(_READ_AHEAD, None)


def content_changed(schedule=False):
    """Everything rendered is stale: now, and again once the change is committed (a reader
    who read the old rows just before the commit may have cached them in between).
    `schedule`: entries changed, so the next scheduled publication is looked up again."""
    _bump(schedule)
    transaction.on_commit(lambda: _bump(schedule))


def options_fingerprint(options):
    """A digest of every setting, so any changed setting (date format, thread depth, avatars,
    theme…) makes a different cache key; computed once per options object."""
    fingerprint = options.__dict__.get("_fingerprint")
    if fingerprint is None:
        values = [getattr(options, f.attname) for f in options._meta.concrete_fields]
        fingerprint = hashlib.md5(repr(values).encode(), usedforsecurity=False).hexdigest()
        options.__dict__["_fingerprint"] = fingerprint
    return fingerprint
