"""The safe fetcher: the only way Inkwell reads a URL it was given by someone else.

Guarantees, in order: http or https only; no credentials in the URL; only allowed ports; the
host is resolved once and every address must be public (loopback, private, link-local,
site-local, multicast, reserved and unspecified addresses are refused before any connection, and
so is an IPv6 address whose embedded IPv4 address is one of those); the connection goes to the
address that was checked, so a second DNS answer cannot redirect it; every redirect hop is
checked the same way, up to the caller's limit; one overall deadline that every connect,
read and write must meet; the body is cut at a byte cap; requests carry Inkwell's own User-Agent.
INKWELL_FETCH_ALLOW_LOOPBACK=1 lets loopback addresses through, on any port, for local testing
only.
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


NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")


def embedded_ipv4(ip):
    """The IPv4 address an IPv6 address carries, in any of the forms that reach one:
    IPv4-mapped, IPv4-translated, 6to4, Teredo (its client), NAT64 and IPv4-compatible."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in NAT64_WELL_KNOWN or ip in NAT64_LOCAL_USE or ip in IPV4_TRANSLATED:
        return low32
    if ip in IPV4_COMPATIBLE and int(ip) > 1:
        return low32
    return None


def _is_public(ip):
    return not (
        ip.is_multicast
        or not ip.is_global
        or ip.is_reserved
        or ip.is_unspecified
        or getattr(ip, "is_site_local", False)
    )


def check_address(address):
    """Refuse every address that is not a public unicast one (loopback only when allowed).
    An IPv6 address that embeds an IPv4 one must pass for both, since a public-looking 6to4
    address can lead into a private IPv4 network; only the well-known NAT64 prefix, which
    reaches nothing but the IPv4 address it carries, is judged by that address alone."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback and _allow_loopback():
        return ip
    if isinstance(ip, ipaddress.IPv6Address) and (inner := embedded_ipv4(ip)) is not None:
        if not _is_public(inner):
            raise FetchError(f"refused address {ip} (it reaches {inner})")
        if ip in NAT64_WELL_KNOWN:
            return ip
    if not _is_public(ip):
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


class _Deadline:
    """A socket whose every read and write may last only until the fetch's overall deadline:
    a peer that drips one byte a second cannot stretch the fetch past it."""

    deadline = None

    def _arm(self):
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the fetch took too long")
            self.settimeout(remaining)

    def recv(self, *args, **kwargs):
        self._arm()
        return super().recv(*args, **kwargs)

    def recv_into(self, *args, **kwargs):
        self._arm()
        return super().recv_into(*args, **kwargs)

    def send(self, *args, **kwargs):
        self._arm()
        return super().send(*args, **kwargs)

    def sendall(self, *args, **kwargs):
        self._arm()
        return super().sendall(*args, **kwargs)


class _DeadlineSocket(_Deadline, socket.socket):
    pass


class _DeadlineSSLSocket(_Deadline, ssl.SSLSocket):
    def do_handshake(self, *args, **kwargs):
        self._arm()
        return super().do_handshake(*args, **kwargs)


def _connect(address, port, timeout, deadline):
    sock = socket.create_connection((str(address), port), timeout)
    timed = _DeadlineSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
    timed.deadline = deadline
    return timed


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the host name resolves to now."""

    def __init__(self, address, deadline, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address, self._deadline = address, deadline

    def connect(self):
        self.sock = _connect(self._address, self.port, self.timeout, self._deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, address, deadline, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address, self._deadline = address, deadline

    def connect(self):
        sock = _connect(self._address, self.port, self.timeout, self._deadline)
        self._context.sslsocket_class = _DeadlineSSLSocket
        self.sock = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.deadline = self._deadline
        self.sock.do_handshake()


def _request_once(url, method, body, headers, max_bytes, deadline):
    parts, address, port = check_url(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("the fetch took too long")
    timeout = min(settings.INKWELL_FETCH_TIMEOUT, remaining)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            address,
            deadline,
            parts.hostname,
            port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        connection = _PinnedHTTPConnection(address, deadline, parts.hostname, port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})}
        )
        response = connection.getresponse()
        data = b""
        while len(data) <= max_bytes:
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
    except TimeoutError as error:
        raise FetchError(f"could not fetch {parts.hostname}: the fetch took too long") from error
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
    max_bytes=DEFAULT_MAX_BYTES,
    deadline_seconds=None,
):
    """Fetch `url` within every guarantee above; redirects are followed up to `max_redirects`.
    The whole fetch, every hop, connect, TLS handshake and read included, ends within
    `deadline_seconds` (twice INKWELL_FETCH_TIMEOUT by default) or fails."""
    deadline = time.monotonic() + (deadline_seconds or 2 * settings.INKWELL_FETCH_TIMEOUT)
    for hop in range(max_redirects + 1):
        response = _request_once(url, method, body, headers, max_bytes, deadline)
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
