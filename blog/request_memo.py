"""Values a request reads once and then remembers until it ends (the site's options, the
content version): one dict per request, held in a context variable so each thread of a
worker has its own; outside a request (a task, a shell) nothing is remembered."""

from contextlib import contextmanager
from contextvars import ContextVar

_memo = ContextVar("inkwell_request_memo", default=None)


@contextmanager
def remembered():
    """Remember values for the duration of the block (blog.middleware wraps each request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def current():
    """This request's memo, a dict, or None outside a request."""
    return _memo.get()
