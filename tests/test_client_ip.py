"""The client's address behind a proxy: X-Forwarded-For and X-Forwarded-Proto are believed only
from INKWELL_TRUSTED_PROXIES, and every per-client rule (flood control, the ping rate limit, the
address stored with a comment) then sees each reader, not the proxy."""

import xmlrpc.client

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from blog.clients import ForwardedHeadersMiddleware, client_ip
from comments.models import Comment
from tests.factories import comment_form_data
from tests.test_settings import run_manage

PROXY = "10.0.0.2"


def forwarded(remote, chain, **extra):
    return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=chain, **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.INKWELL_TRUSTED_PROXIES = []
    assert client_ip(forwarded("198.51.100.1", "203.0.113.9")) == "198.51.100.1"


@pytest.mark.parametrize(
    "remote, chain, client",
    [
        (PROXY, "203.0.113.9", "203.0.113.9"),
        (PROXY, "203.0.113.9, 10.0.0.3", "203.0.113.9"),  # two trusted hops
        (PROXY, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is not believed
        (PROXY, "not-an-address, 203.0.113.9", "203.0.113.9"),
        (PROXY, "203.0.113.9, rubbish", PROXY),
        (PROXY, "[2001:db8::7]:4711", "2001:db8::7"),
        (PROXY, "", PROXY),
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not from a trusted proxy
    ],
)
def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(
    settings, remote, chain, client
):
    settings.INKWELL_TRUSTED_PROXIES = ["10.0.0.0/29"]
    assert client_ip(forwarded(remote, chain)) == client


def served(request):
    return ForwardedHeadersMiddleware(lambda r: HttpResponse(str(r.is_secure())))(request)


def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.INKWELL_TRUSTED_PROXIES = [PROXY]
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_PROTO="https")
    assert served(spoofed).content == b"False"
    assert "HTTP_X_FORWARDED_PROTO" not in spoofed.META
    proxied = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert served(proxied).content == b"True"


def test_production_trusts_x_forwarded_proto_only_when_proxies_are_configured():
    show = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    production = {"DEBUG": "0", "ALLOWED_HOSTS": "blog.example.org", "SECRET_KEY": "k" * 50}
    alone = run_manage("shell", "--no-imports", "-c", show, **production)
    assert alone.stdout.strip() == "None", alone.stderr
    behind = run_manage(
        "shell", "--no-imports", "-c", show, INKWELL_TRUSTED_PROXIES="10.0.0.2", **production
    )
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", behind.stderr


def test_a_malformed_trusted_proxy_setting_stops_the_start():
    result = run_manage("check", INKWELL_TRUSTED_PROXIES="10.0.0.0/33")
    assert result.returncode != 0 and "INKWELL_TRUSTED_PROXIES" in result.stderr


@pytest.mark.django_db
def test_two_readers_behind_one_proxy_are_not_one_flood(client, settings, post):
    settings.INKWELL_TRUSTED_PROXIES = [PROXY]

    def submit(reader, name):
        data = comment_form_data(post, name=name, email=f"{name}@example.com", comment=name)
        return client.post("/comments/post/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=reader)

    assert submit("203.0.113.20", "ann").status_code == 302
    assert submit("203.0.113.21", "bob").status_code == 302
    assert sorted(Comment.objects.values_list("ip_address", flat=True)) == [
        "203.0.113.20",
        "203.0.113.21",
    ]
    assert submit("203.0.113.20", "cy").status_code == 429  # the same reader is still a flood


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_flood_control(client, settings, post):
    settings.INKWELL_TRUSTED_PROXIES = []

    def submit(forged, name):
        data = comment_form_data(post, name=name, email=f"{name}@example.com", comment=name)
        return client.post(
            "/comments/post/", data, REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR=forged
        )

    assert submit("203.0.113.30", "dee").status_code == 302
    assert submit("203.0.113.31", "eve").status_code == 429
    assert Comment.objects.get().ip_address == "198.51.100.5"


@pytest.mark.django_db
def test_the_ping_rate_limit_counts_each_reader_behind_the_proxy(client, settings):
    settings.INKWELL_TRUSTED_PROXIES = [PROXY]
    settings.INKWELL_PING_RATE_LIMIT = 2
    # The limit is the pings' own: a ping to a target that is not there is answered at once.
    body = xmlrpc.client.dumps(("http://a.example/", "http://testserver/nowhere/"), "pingback.ping")

    def call(reader):
        return client.post(
            "/xmlrpc.php",
            body,
            content_type="text/xml",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=reader,
        ).status_code

    assert [call("203.0.113.40") for _ in range(3)] == [200, 200, 429]
    assert call("203.0.113.41") == 200
