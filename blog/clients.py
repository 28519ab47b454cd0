"""The client's address, the one rule every rate limit, flood check, moderation key and spam
check uses: REMOTE_ADDR, unless the request came through a proxy listed in
INKWELL_TRUSTED_PROXIES; then the nearest address in X-Forwarded-For that is not a trusted proxy.

With no trusted proxies (the default) every X-Forwarded-* header is dropped on arrival, so
neither Inkwell nor Django (SECURE_PROXY_SSL_HEADER) can be told a made-up address or scheme.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _parse(address):
    """An IP address from a header hop (ports and brackets tolerated), or None."""
    address = address.strip().strip('"')
    if address.startswith("[") and "]" in address:
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:
        address = address.split(":", 1)[0]
    try:
        return ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None


def is_trusted_proxy(address):
    ip = _parse(address or "")
    networks = _networks(tuple(settings.INKWELL_TRUSTED_PROXIES))
    return ip is not None and any(ip in network for network in networks)


def client_ip(request):
    """The address of the client that sent `request`, as a string (None when unknown)."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            break  # garbage before this point was written by the client, not by a proxy
        client = str(ip)
        if not is_trusted_proxy(client):
            break
    return client


class ForwardedHeadersMiddleware:
    """Drops X-Forwarded-* headers unless they come from a trusted proxy. Runs first, so that
    SecurityMiddleware's HTTPS redirect and request.is_secure() only ever believe a proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        drop_untrusted_forwarded_headers(request.META)
        return self.get_response(request)


def drop_untrusted_forwarded_headers(environ):
    """Remove the X-Forwarded-* headers from a WSGI environ unless a trusted proxy sent them."""
    if "HTTP_X_FORWARDED_" not in "\0".join(environ):  # a third of the time of a scan by key
        return
    forwarded = [key for key in environ if key.startswith("HTTP_X_FORWARDED_")]
    if not is_trusted_proxy(environ.get("REMOTE_ADDR")):
        for key in forwarded:
            del environ[key]
