"""Pingbacks over real XML-RPC exchanges on loopback: a source page on a local server pings a
post through xmlrpc.client; faults, limits and hostile bodies are answered properly."""

import threading
import time
import tracemalloc
import urllib.request
import xmlrpc.client

import pytest

from blog.models import SiteOptions
from comments.models import Comment
from tests.factories import PostFactory
from tests.loopback import Site, drips, never_answers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def source_site(settings):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    site = Site()
    yield site
    site.close()


@pytest.fixture
def trusting():
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()


def proxy(live_server):
    return xmlrpc.client.ServerProxy(live_server.url + "/xmlrpc.php")


def linking_page(target, title="A harbour blog"):
    return (
        f"<html><head><title>{title}</title></head><body><p>Some text before the link, "
        f'and then <a href="{target}">this fine post</a> with words after it.</p></body></html>'
    )


def test_pingback_is_registered_and_shown_on_the_post(live_server, source_site, trusting, client):
    post = PostFactory(title="Tide tables")
    target = live_server.url + post.get_absolute_url()
    source_site.page("/linking/", linking_page(target))
    source = source_site.url + "/linking/"
    answer = proxy(live_server).pingback.ping(source, target)
    assert answer == f"Pingback from {source} to {target} registered. Keep the web talking! :-)"
    ping = Comment.objects.get()
    assert (ping.kind, ping.user_name, ping.user_url, ping.state) == (
        "pingback",
        "A harbour blog",
        source,
        "approved",
    )
    assert ping.comment.startswith("[\u2026]") and "this fine post" in ping.comment
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="pingback depth-1"' in html and "A harbour blog" in html

    with pytest.raises(xmlrpc.client.Fault) as again:
        proxy(live_server).pingback.ping(source, target)
    assert again.value.faultCode == 48
    assert Comment.objects.count() == 1
    assert proxy(live_server).pingback.extensions.getPingbacks(target) == [source]


def test_new_pingback_is_held_while_previously_approved_is_on(live_server, source_site):
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.page("/p", linking_page(target))
    proxy(live_server).pingback.ping(source_site.url + "/p", target)
    assert Comment.objects.get().state == "pending"


def test_shortlink_target_with_fragment_is_accepted(live_server, source_site, trusting):
    post = PostFactory()
    target = f"{live_server.url}/?p={post.pk}#comments"
    source_site.page("/short", linking_page(target))
    proxy(live_server).pingback.ping(source_site.url + "/short", target)
    assert Comment.objects.get().kind == "pingback"


def fault_of(call):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call()
    return fault.value.faultCode, fault.value.faultString


def test_source_without_the_link_is_fault_0_by_default_and_17_when_detailed(
    live_server, source_site, settings
):
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.page("/nolink", "<title>No link</title><p>Nothing to see.</p>")
    source = source_site.url + "/nolink"
    assert fault_of(lambda: proxy(live_server).pingback.ping(source, target)) == (0, "")
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    settings.INKWELL_PINGBACK_RECHECK_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    assert fault_of(lambda: proxy(live_server).pingback.ping(source, target))[0] == 17
    assert not Comment.objects.exists()


def test_mentioning_the_url_as_text_is_not_a_link(live_server, source_site, settings):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.page("/text", f"<title>Text</title><p>{target}</p><!-- <a href='{target}'> -->")
    code, _ = fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/text", target))
    assert code == 17


def test_pings_closed_is_fault_0_by_default_and_33_when_detailed(
    live_server, source_site, settings
):
    post = PostFactory(ping_status="closed")
    target = live_server.url + post.get_absolute_url()
    source_site.page("/p", linking_page(target))
    assert fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/p", target)) == (
        0,
        "",
    )
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    assert (
        fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/p", target))[0] == 33
    )
    assert not source_site.requests  # nothing is fetched for a post that takes no pings


@pytest.mark.parametrize(
    ("target_path", "code"),
    [("/2020/01/01/no-such-post/", 32), ("/category/news/", 32)],
)
def test_unknown_targets_are_32_when_detailed(
    live_server, source_site, settings, target_path, code
):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    target = live_server.url + target_path
    source_site.page("/p", linking_page(target))
    assert (
        fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/p", target))[0]
        == code
    )


def test_target_on_another_site_is_refused(live_server, source_site, settings):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    post = PostFactory()
    target = "http://elsewhere.example" + post.get_absolute_url()
    code, _ = fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/p", target))
    assert code == 32


def test_missing_source_is_16_when_detailed(live_server, source_site, settings):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    code, _ = fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/gone", target))
    assert code == 16


def test_non_html_source_is_refused(live_server, source_site, settings):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.page("/data.json", f'{{"link": "{target}"}}', content_type="application/json")
    code, _ = fault_of(
        lambda: proxy(live_server).pingback.ping(source_site.url + "/data.json", target)
    )
    assert code == 17


def test_redirecting_source_is_not_followed(live_server, source_site, settings):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.page("/moved", "", status=301, headers={"Location": "/real"})
    source_site.page("/real", linking_page(target))
    code, _ = fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/moved", target))
    assert code == 16
    assert [r[1] for r in source_site.requests] == ["/moved"]


def test_a_source_that_never_answers_ties_up_nothing_beyond_the_timeout(
    live_server, source_site, settings
):
    settings.INKWELL_FETCH_TIMEOUT = 1
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.handle("/slow", never_answers)
    started = time.monotonic()
    assert fault_of(
        lambda: proxy(live_server).pingback.ping(source_site.url + "/slow", target)
    ) == (0, "")
    assert time.monotonic() - started < 10


def test_while_one_slow_source_is_checked_other_pings_are_answered_at_once_and_can_retry(
    live_server, source_site, trusting, settings
):
    """One source fetch at a time per process: a ping that finds the slot taken gets fault 0
    without its source being fetched, pages keep answering, and a retry later succeeds."""
    settings.INKWELL_FETCH_TIMEOUT = 1.5
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.handle("/slow", drips(interval=0.3, seconds=20))
    source_site.page("/honest", linking_page(target))
    slow_fault = []
    slow = threading.Thread(
        target=lambda: slow_fault.append(
            fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/slow", target))
        )
    )
    slow.start()
    while not any(path == "/slow" for _, path, _, _ in source_site.requests):
        time.sleep(0.05)

    honest = source_site.url + "/honest"
    busy = fault_of(lambda: proxy(live_server).pingback.ping(honest, target))
    with urllib.request.urlopen(live_server.url + "/healthz") as health:
        assert health.status == 200
    assert slow.is_alive(), "the slow source was still being read"
    assert busy == (0, "Another source is being checked; try again later.")
    assert [path for _, path, _, _ in source_site.requests] == ["/slow"]

    slow.join()
    assert slow_fault[0][0] == 16  # the dripping source ran out of time
    assert proxy(live_server).pingback.ping(honest, target).startswith("Pingback from")
    assert Comment.objects.get().user_url == honest


def test_same_source_and_target_are_fetched_once_per_window(live_server, source_site):
    post = PostFactory()
    target = live_server.url + post.get_absolute_url()
    source_site.page("/nolink", "<title>x</title>")
    for _ in range(3):
        fault_of(lambda: proxy(live_server).pingback.ping(source_site.url + "/nolink", target))
    assert len(source_site.requests) == 1


def test_system_list_methods_names_the_pingback_methods(live_server):
    listed = proxy(live_server).system.listMethods()
    assert listed == sorted(listed)
    assert {"pingback.extensions.getPingbacks", "pingback.ping", "system.listMethods"} <= set(
        listed
    )


def post_raw(live_server, body, content_type="text/xml"):
    request = urllib.request.Request(
        live_server.url + "/xmlrpc.php", data=body, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def fault_code_in(body):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(body)
    return fault.value.faultCode


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"<methodCall><methodName>pingback.ping</methodName><params>", -32700),
        (b"this is not xml at all", -32700),
        (xmlrpc.client.dumps(("a", "b"), "wp.noSuchMethod").encode(), -32601),
        (xmlrpc.client.dumps(("only-one",), "pingback.ping").encode(), -32602),
        (xmlrpc.client.dumps(("a", "b", "c"), "pingback.ping").encode(), -32602),
        (xmlrpc.client.dumps((1, 2), "pingback.ping").encode(), -32602),
        (xmlrpc.client.dumps(({"x": 1}, ["y"]), "pingback.ping").encode(), -32602),
    ],
)
def test_malformed_calls_get_xmlrpc_faults(live_server, body, code):
    status, answer = post_raw(live_server, body)
    assert status == 200
    assert fault_code_in(answer) == code
    assert not Comment.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<methodCall><methodName>pingback.ping</methodName><params><param><value><string>&lol9;
</string></value></param><param><value><string>x</string></value></param></params></methodCall>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>pingback.ping</methodName><params><param><value><string>&secret;
</string></value></param><param><value><string>x</string></value></param></params></methodCall>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_bombs_and_external_entities_are_refused_with_bounded_memory(body):
    from comments.pings.xmlrpc import loads

    tracemalloc.start()
    with pytest.raises(Exception) as refused:
        loads(body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "Forbidden" in type(refused.value).__name__
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_bombs_sent_to_the_endpoint_get_a_parse_fault(live_server, body):
    status, answer = post_raw(live_server, body)
    assert (status, fault_code_in(answer)) == (200, -32700)


def test_ten_megabyte_body_is_refused_unread(live_server, settings):
    settings.INKWELL_MAX_UPLOAD_BYTES = 1024 * 1024  # XML-RPC bodies are capped by uploads
    status, _ = post_raw(live_server, b"<" + b"x" * (10 * 1024 * 1024))
    assert status == 413


def test_a_ping_body_over_the_ping_cap_is_refused(client, settings):
    settings.INKWELL_PING_MAX_BODY = 1024
    body = xmlrpc.client.dumps(("http://a.example/" + "x" * 2000, "/"), "pingback.ping")
    assert client.post("/xmlrpc.php", body, content_type="text/xml").status_code == 413


def test_get_is_answered_like_wordpress(client):
    response = client.get("/xmlrpc.php")
    assert response.status_code == 405
    assert response.content == b"XML-RPC server accepts POST requests only."


def test_the_endpoint_can_be_switched_off(client, settings):
    settings.INKWELL_XMLRPC_ENABLED = False
    assert client.post("/xmlrpc.php", b"", content_type="text/xml").status_code == 404


def test_per_ip_rate_limit_lets_an_honest_peer_through_then_answers_429(client, settings):
    settings.INKWELL_PING_RATE_LIMIT = 30
    body = xmlrpc.client.dumps(("http://a.example/", "http://testserver/nowhere/"), "pingback.ping")
    statuses = [
        client.post("/xmlrpc.php", body, content_type="text/xml").status_code for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    other = client.post("/xmlrpc.php", body, content_type="text/xml", REMOTE_ADDR="127.0.0.2")
    assert other.status_code == 200
    listing = xmlrpc.client.dumps((), "system.listMethods").encode()
    assert client.post("/xmlrpc.php", listing, content_type="text/xml").status_code == 200
