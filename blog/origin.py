"""The scheme and host the current request came to, for absolute links in feeds and sitemaps.

Django's syndication and sitemaps would take the domain from the sites framework, one fixed
row; a blog answers on whatever host it is served as (ALLOWED_HOSTS guards which).
"""

from contextvars import ContextVar

_origin = ContextVar("request_origin", default="")


def absolute(path):
    return _origin.get() + path


def current():
    return _origin.get()


class RequestOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
