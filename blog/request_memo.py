"""Values a request reads once and then remembers until it ends (the site's options, the
content version): one dict per request, held in a context variable so each thread of a
worker has its own; outside a request (a task, a shell) nothing is remembered."""

from contextvars import ContextVar

_memo = ContextVar("inkwell_request_memo", default=None)


class _Remembered:
    # A class, not @contextmanager: a replayed page enters one in a fraction of the time.
    __slots__ = ("_token",)

    def __enter__(self):
        self._token = _memo.set({})

    def __exit__(self, *exc_info):
        _memo.reset(self._token)


def remembered():
    """Remember values for the duration of the block (blog.middleware wraps each request)."""
    return _Remembered()


def current():
    """This request's memo, a dict, or None outside a request."""
    return _memo.get()
