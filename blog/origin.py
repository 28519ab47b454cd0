"""This site's address, the one place every absolute URL comes from (`absolute`): the scheme
and host the current request came to, or, with no request (the background worker, a command),
the public address INKWELL_SITE_URL; and the one test of whether a URL is this site's
(`is_own_url`).

Django's syndication and sitemaps would take the domain from the sites framework, one fixed
row; a blog answers on whatever host it is served as (ALLOWED_HOSTS guards which).
"""

from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings

_origin = ContextVar("request_origin", default="")


def absolute(path):
    """`path` on this site: the request's origin when there is one, else the public address."""
    return current() + path


def current():
    """scheme://host[:port] of the current request, else of INKWELL_SITE_URL."""
    return _origin.get() or settings.INKWELL_SITE_URL.rstrip("/")


class RequestOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url):
    """(scheme, host, port) of an absolute http(s) URL, the default port filled in; or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[scheme]


def own_origins():
    """The origins this site answers at: its public address (INKWELL_SITE_URL), the address
    the current request came to, and INKWELL_SITE_DOMAINS (a bare host name there stands for
    http and https on their default ports). A public address on a default port counts with
    its twin scheme too, as a site behind TLS redirects http to https."""
    origins = set()
    for address in (settings.INKWELL_SITE_URL, _origin.get()):
        if found := origin_of(address or ""):
            origins.add(found)
            scheme, host, port = found
            if port == DEFAULT_PORTS[scheme]:
                origins.update((other, host, DEFAULT_PORTS[other]) for other in DEFAULT_PORTS)
    for domain in settings.INKWELL_SITE_DOMAINS:
        if "://" in domain:
            if found := origin_of(domain):
                origins.add(found)
        else:
            host = domain.strip().lower().rstrip(".")
            origins.update((scheme, host, port) for scheme, port in DEFAULT_PORTS.items())
    return origins


def is_own_url(url):
    """True when `url` points at this site: same scheme, host and port as one of
    `own_origins()` (a link to the same host on another port is another site)."""
    found = origin_of(url)
    return found is not None and found in own_origins()
