"""Webmention, both ways, over loopback: a mention is answered 202 at once and verified by the
background worker through the safe fetcher; publishing notifies targets that advertise an
endpoint, by webmention, before falling back to pingback."""

import urllib.parse

import pytest

from blog.models import Discussion, SiteOptions
from comments.models import Comment, Kind, OutgoingPing
from tests.factories import PostFactory
from tests.loopback import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def remote(settings):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    settings.INKWELL_SITE_URL = "http://testserver"
    site = Site()
    yield site
    site.close()


def mention(client, source, target):
    return client.post("/webmention/", {"source": source, "target": target})


def test_post_advertises_its_endpoint(client, post):
    response = client.get(post.get_absolute_url())
    assert '<http://testserver/webmention/>; rel="webmention"' in response["Link"]


def test_a_mention_is_accepted_then_verified_and_stored(client, remote, post):
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()
    target = f"http://testserver{post.get_absolute_url()}"
    remote.page(
        "/notes/",
        f'<html><head><title>Harbour notes</title></head><body><p>I liked <a href="{target}">'
        "this post</a> a lot.</p></body></html>",
    )
    response = mention(client, remote.url + "/notes/", target)
    assert response.status_code == 202
    stored = Comment.objects.get(kind=Kind.WEBMENTION)
    assert stored.user_url == remote.url + "/notes/" and stored.user_name == "Harbour notes"
    assert "this post" in stored.comment and stored.state == "approved"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Harbour notes" in page and "Webmention" in page


def test_a_source_without_the_link_stores_nothing(client, remote, post):
    remote.page("/plain/", "<html><head><title>Plain</title></head><body>No link.</body></html>")
    assert (
        mention(
            client, remote.url + "/plain/", f"http://testserver{post.get_absolute_url()}"
        ).status_code
        == 202
    )
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        ("javascript:alert(1)", "{target}", "source must be an http"),
        ("http://a.example/", "http://elsewhere.example/x/", "not a page of this site"),
        ("{target}", "{target}", "must differ"),
        ("http://a.example/", "http://[::1/", "target must be an http"),
    ],
)
def test_bad_mentions_are_400s_and_fetch_nothing(client, post, source, target, reason):
    target_url = f"http://testserver{post.get_absolute_url()}"
    response = mention(client, source.format(target=target_url), target.format(target=target_url))
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_closed_pings_refuse_mentions(client):
    post = PostFactory(ping_status=Discussion.CLOSED)
    response = mention(client, "http://a.example/", f"http://testserver{post.get_absolute_url()}")
    assert response.status_code == 400


def test_publishing_sends_a_webmention_where_the_target_accepts_one(
    remote, django_capture_on_commit_callbacks
):
    received = []

    def endpoint(handler, body):
        received.append(dict(urllib.parse.parse_qsl(body.decode())))
        handler.send_response(202)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    remote.handle("/mentions", endpoint)
    remote.page(
        "/by-header/", "<title>x</title>", headers={"Link": '</mentions>; rel="webmention"'}
    )
    remote.page("/by-tag/", '<title>y</title><link rel="webmention" href="/mentions">')
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            body=f'<a href="{remote.url}/by-header/">one</a> <a href="{remote.url}/by-tag/">two</a>'
        )
    source = "http://testserver" + post.get_absolute_url()
    assert received == [
        {"source": source, "target": remote.url + "/by-header/"},
        {"source": source, "target": remote.url + "/by-tag/"},
    ]
    outcomes = set(OutgoingPing.objects.values_list("outcome", "succeeded"))
    assert outcomes == {("webmention: HTTP 202", True)}
