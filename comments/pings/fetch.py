"""The safe fetcher: the only way Inkwell reads a URL it was given by someone else.

Guarantees, in order: http or https only; no credentials in the URL; only allowed ports; the
host is resolved once and every address must be public (loopback, private, link-local,
multicast, reserved, unspecified and IPv4-mapped forms of those are refused before any
connection); the connection goes to the address that was checked, so a second DNS answer
cannot redirect it; every redirect hop is checked the same way, up to the caller's limit;
connect and read timeouts and an overall deadline; the body is cut at a byte cap; requests
carry Inkwell's own User-Agent. INKWELL_FETCH_ALLOW_LOOPBACK=1 lets loopback addresses
through, on any port, for local testing only.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

USER_AGENT = "Inkwell/0.1 (pingback and trackback client)"
DEFAULT_MAX_BYTES = 150 * 1024


class FetchError(Exception):
    """The URL was refused or could not be fetched; the message says why."""


@dataclass
class Response:
    url: str
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self):
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip("\"'") or "utf-8"
        return "utf-8"

    def text(self):
        try:
            return self.body.decode(self.charset, errors="replace")
        except (LookupError, UnicodeError):  # no such codec, or one that is no text encoding
            return self.body.decode("utf-8", errors="replace")


def resolve(host, port):
    """All addresses `host` resolves to. Tests replace this with a stub resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def _allow_loopback():
    return settings.INKWELL_FETCH_ALLOW_LOOPBACK


def check_address(address):
    """Refuse every address that is not a public unicast one (loopback only when allowed)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback and _allow_loopback():
        return ip
    if ip.is_multicast or not ip.is_global or ip.is_reserved or ip.is_unspecified:
        raise FetchError(f"refused address {ip}")
    return ip


def check_url(url):
    """Validate `url` and resolve its host: (parts, checked address, port)."""
    try:
        parts = urlsplit(url)
    except ValueError as error:  # http://[::1/
        raise FetchError("the URL is malformed") from error
    if parts.scheme not in ("http", "https"):
        raise FetchError("only http and https URLs are fetched")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are refused")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchError("the URL has an invalid port") from error
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"cannot resolve {parts.hostname}") from error
    if not addresses:
        raise FetchError(f"cannot resolve {parts.hostname}")
    checked = [check_address(address) for address in addresses]
    if port not in settings.INKWELL_FETCH_PORTS and not all(ip.is_loopback for ip in checked):
        raise FetchError(f"port {port} is not allowed")
    return parts, checked[0], port


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the host name resolves to now."""

    def __init__(self, address, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = str(address)

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, address, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = str(address)

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _request_once(url, method, body, headers, timeout, max_bytes, deadline):
    parts, address, port = check_url(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("the fetch took too long")
    timeout = min(timeout, remaining)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            address, parts.hostname, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(address, parts.hostname, port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        response = connection.getresponse()
        data = b""
        while len(data) <= max_bytes and time.monotonic() < deadline:
            chunk = response.read(min(16384, max_bytes + 1 - len(data)))
            if not chunk:
                break
            data += chunk
        return Response(
            url=url,
            status=response.status,
            headers={name.lower(): value for name, value in response.getheaders()},
            body=data[:max_bytes],
        )
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(f"could not fetch {parts.hostname}: {error}") from error
    finally:
        connection.close()


def fetch(
    url,
    *,
    method="GET",
    body=None,
    headers=None,
    max_redirects=0,
    timeout=None,
    max_bytes=DEFAULT_MAX_BYTES,
    deadline_seconds=None,
):
    """Fetch `url` within every guarantee above; redirects are followed up to `max_redirects`."""
    timeout = timeout or settings.INKWELL_FETCH_TIMEOUT
    deadline = time.monotonic() + (deadline_seconds or 2 * timeout)
    for hop in range(max_redirects + 1):
        response = _request_once(url, method, body, headers, timeout, max_bytes, deadline)
        location = response.headers.get("location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        if not max_redirects:
            return response  # the caller follows no redirects: it gets the redirect itself
        if hop == max_redirects:
            raise FetchError("too many redirects")
        url = urljoin(url, location)
        if response.status in (301, 302, 303):
            method, body = "GET", None
