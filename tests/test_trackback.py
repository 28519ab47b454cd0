"""Trackbacks at <permalink>trackback/, answered with WordPress's XML."""

import pytest

from blog.models import SiteOptions
from comments.models import Comment
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

OK = b'<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>0</error>\n</response>\n'


@pytest.fixture(autouse=True)
def trusting():
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()


def trackback(client, post, ip="198.51.100.80", **data):
    fields = {
        "url": "https://other.example/post",
        "title": "Their post",
        "excerpt": "They wrote about this.",
        "blog_name": "Other Blog",
        **data,
    }
    return client.post(post.trackback_url, fields, REMOTE_ADDR=ip)


def test_trackback_is_stored_and_shown(client):
    post = PostFactory()
    response = trackback(client, post)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content == OK
    ping = Comment.objects.get()
    assert (ping.kind, ping.user_name, ping.user_url) == (
        "trackback",
        "Other Blog",
        "https://other.example/post",
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="trackback depth-1"' in html and "<strong>Their post</strong>" in html


def test_closed_pings_answer_wordpress_error(client):
    post = PostFactory(ping_status="closed")
    response = trackback(client, post)
    assert b"<error>1</error>" in response.content
    assert b"<message>Sorry, trackbacks are closed for this item.</message>" in response.content
    assert not Comment.objects.exists()


def test_title_and_excerpt_are_cut_like_wordpress(client):
    post = PostFactory()
    trackback(client, post, title="T" * 400, excerpt="E" * 400)
    ping = Comment.objects.get()
    title = ping.comment.split("</strong>")[0].removeprefix("<strong>")
    excerpt = ping.comment.split("\n\n", 1)[1]
    assert len(title) == 250 and title.endswith("\u2026")
    assert len(excerpt) == 252 and excerpt.endswith("\u2026")


def test_charset_is_honoured(client):
    post = PostFactory()
    body = "url=https%3A%2F%2Fother.example%2F&title=Caf%E9+cr%E8me&blog_name=Blogue"
    response = client.post(
        post.trackback_url + "?charset=iso-8859-1",
        body,
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR="198.51.100.81",
    )
    assert response.content == OK
    assert "<strong>Café crème</strong>" in Comment.objects.get().comment


def test_markup_in_a_trackback_is_inert(client):
    post = PostFactory()
    trackback(client, post, title="<script>alert(1)</script>", blog_name="<img src=x onerror=1>")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "onerror=1>" not in html


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "not a url", "ftp://x.example/"])
def test_malformed_trackback_is_refused(client, url):
    post = PostFactory()
    response = trackback(client, post, url=url)
    assert response.status_code == 400
    assert b"<error>1</error>" in response.content
    assert not Comment.objects.exists()


def test_same_url_twice_is_refused(client):
    post = PostFactory()
    trackback(client, post)
    response = trackback(client, post, ip="198.51.100.99")
    assert b"<error>1</error>" in response.content
    assert Comment.objects.count() == 1


def test_trackbacks_go_through_the_flood_check(client):
    post = PostFactory()
    trackback(client, post)
    response = trackback(client, post, url="https://third.example/", title="Another post")
    assert response.status_code == 429
    assert Comment.objects.count() == 1


def test_get_is_an_error_and_unknown_posts_404(client):
    post = PostFactory()
    assert b"<error>1</error>" in client.get(post.trackback_url).content
    assert (
        client.post("/2020/01/01/nothing/trackback/", {"url": "https://x.example/"}).status_code
        == 404
    )
