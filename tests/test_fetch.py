"""The safe fetcher's guarantees. Addresses other than loopback are only ever seen by a stub
resolver: no test here connects anywhere but 127.0.0.1."""

import ipaddress
import socket
import ssl
import time

import pytest

from comments.pings import fetch
from tests.loopback import TLS_CERTIFICATE, Site, drips, never_answers

REFUSED = [
    "10.1.2.3",
    "172.16.0.9",
    "172.31.255.1",
    "192.168.1.1",
    "169.254.169.254",
    "127.0.0.1",
    "127.10.0.1",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "0.0.0.0",
    "100.64.0.1",
    "224.0.0.1",
    "240.0.0.1",
    "fe80::1",
    "ff02::1",
    "::",
    # IPv6 forms that carry an IPv4 address: the embedded address decides
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:c0a8:101:1::1",  # 6to4 of 192.168.1.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1 (bits inverted)
    "2001:0:5db8:d822:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
    "::127.0.0.1",  # IPv4-compatible
    "::10.0.0.1",
    "::ffff:0:a00:1",  # IPv4-translated
    "fec0::1",  # site-local
    "fec0:1234::5",
    "feff::1",
]


@pytest.fixture
def no_connections(monkeypatch):
    """Fails the test if the fetcher tries to open any socket at all."""
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"the fetcher tried to connect to {address}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def stub_resolver(monkeypatch):
    answers = {}
    real = fetch.resolve

    def resolve(host, port):
        if host in answers:
            return answers[host]
        if host in ("127.0.0.1", "localhost"):
            return real(host, port)
        raise OSError(f"stub resolver knows no {host}")

    monkeypatch.setattr(fetch, "resolve", resolve)
    return answers


@pytest.fixture
def site():
    server = Site()
    yield server
    server.close()


@pytest.mark.parametrize("address", REFUSED)
def test_names_resolving_to_non_public_addresses_are_refused_before_connecting(
    settings, stub_resolver, no_connections, address
):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = False
    stub_resolver["victim.example"] = [address]
    with pytest.raises(fetch.FetchError, match="refused address"):
        fetch.fetch("http://victim.example/")
    assert no_connections == []


@pytest.mark.parametrize(
    "address, reaches",
    [
        ("2002:7f00:1::1", "127.0.0.1"),
        ("2002:a00:1::", "10.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
        ("64:ff9b:1::c0a8:101", "192.168.1.1"),
        ("::10.0.0.1", "10.0.0.1"),
    ],
)
def test_the_ipv4_address_inside_an_ipv6_one_is_what_is_checked(address, reaches):
    assert str(fetch.embedded_ipv4(ipaddress.ip_address(address))) == reaches
    with pytest.raises(fetch.FetchError, match=f"reaches {reaches}"):
        fetch.check_address(address)


@pytest.mark.parametrize("address", ["2002:5db8:d822::1", "64:ff9b::5db8:d822", "2606:4700::1"])
def test_public_addresses_in_ipv6_forms_pass_the_address_check(address):
    assert fetch.check_address(address) == ipaddress.ip_address(address)


def test_one_bad_address_among_good_ones_is_enough_to_refuse(stub_resolver, no_connections):
    stub_resolver["mixed.example"] = ["93.184.216.34", "10.0.0.1"]
    with pytest.raises(fetch.FetchError):
        fetch.fetch("http://mixed.example/")
    assert no_connections == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example/x",
        "file:///etc/passwd",
        "gopher://old.example/",
        "http://user:secret@site.example/",
        "http://site.example:22/",
        "http://site.example:6379/",
        "http:///no-host",
        "http://site.example:99999/",
    ],
)
def test_schemes_credentials_and_ports_are_checked_first(stub_resolver, no_connections, url):
    stub_resolver["site.example"] = ["93.184.216.34"]
    with pytest.raises(fetch.FetchError):
        fetch.fetch(url)
    assert no_connections == []


def test_connects_to_the_address_it_checked_not_to_a_second_dns_answer(monkeypatch):
    answers = iter([["93.184.216.34"], ["10.0.0.1"]])
    monkeypatch.setattr(fetch, "resolve", lambda host, port: next(answers))
    connected = []

    def record(address, *args, **kwargs):
        connected.append(address)
        raise OSError("stub: not connecting in tests")

    monkeypatch.setattr(socket, "create_connection", record)
    with pytest.raises(fetch.FetchError):
        fetch.fetch("http://rebinding.example/")
    assert connected == [("93.184.216.34", 80)]


def test_loopback_needs_the_explicit_setting(settings, site):
    site.page("/hello", "<title>Hi</title>")
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(fetch.FetchError, match="refused address"):
        fetch.fetch(site.url + "/hello")
    assert site.requests == []
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    response = fetch.fetch(site.url + "/hello")
    assert response.status == 200 and response.body == b"<title>Hi</title>"
    assert site.requests[0][2]["User-Agent"].startswith("Inkwell/")


def test_every_redirect_hop_is_checked(settings, site, stub_resolver, monkeypatch):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    stub_resolver["internal.example"] = ["10.0.0.5"]
    real_connect = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        assert ipaddress.ip_address(address[0]).is_loopback, address
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)
    site.page("/hop", "", status=302, headers={"Location": "http://internal.example/admin"})
    with pytest.raises(fetch.FetchError, match="refused address"):
        fetch.fetch(site.url + "/hop", max_redirects=3)


def test_redirects_are_followed_only_up_to_the_limit(settings, site):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    site.page("/a", "", status=301, headers={"Location": "/b"})
    site.page("/b", "", status=302, headers={"Location": "/c"})
    site.page("/c", "landed")
    assert fetch.fetch(site.url + "/a", max_redirects=3).body == b"landed"
    assert fetch.fetch(site.url + "/a", max_redirects=0).status == 301
    site.page("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(fetch.FetchError, match="too many redirects"):
        fetch.fetch(site.url + "/loop", max_redirects=3)


def test_body_is_cut_at_150_kb(settings, site):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    site.page("/big", b"x" * (2 * 1024 * 1024), content_type="text/plain")
    assert len(fetch.fetch(site.url + "/big").body) == 150 * 1024


def test_a_peer_that_never_answers_times_out(settings, site):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    settings.INKWELL_FETCH_TIMEOUT = 0.5
    site.handle("/slow", never_answers)
    started = time.monotonic()
    with pytest.raises(fetch.FetchError):
        fetch.fetch(site.url + "/slow")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("interval", [0.2, 0.45])
def test_a_peer_that_drips_bytes_fails_at_the_overall_deadline(settings, site, interval):
    """Each byte comes well within the per-read timeout; the overall deadline (twice
    INKWELL_FETCH_TIMEOUT) still ends the fetch, however long the peer would go on."""
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    settings.INKWELL_FETCH_TIMEOUT = 0.5
    site.handle("/drip", drips(interval=interval, seconds=20))
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="took too long"):
        fetch.fetch(site.url + "/drip")
    assert time.monotonic() - started < 10


def test_https_is_verified_and_held_to_the_same_deadline(settings, monkeypatch):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    settings.INKWELL_FETCH_TIMEOUT = 0.5
    site = Site(tls=True)
    try:
        site.page("/hello", "<title>Hi</title>")
        site.handle("/drip", drips(interval=0.2, seconds=20))
        with pytest.raises(fetch.FetchError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch.fetch(site.url + "/hello")
        trusting = ssl.create_default_context(cafile=TLS_CERTIFICATE)
        monkeypatch.setattr(ssl, "create_default_context", lambda: trusting)
        assert fetch.fetch(site.url + "/hello").body == b"<title>Hi</title>"
        started = time.monotonic()
        with pytest.raises(fetch.FetchError, match="took too long"):
            fetch.fetch(site.url + "/drip")
        assert time.monotonic() - started < 10
    finally:
        site.close()
