"""Kept pages replayed in front of Django (blog/page_replay.py, the WSGI application gunicorn
serves): the same page as the page cache gives, with this response's own count, tokens,
cookie and nonce, and never a page a change has made stale or one meant for someone else."""

import re
from http.cookies import SimpleCookie

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client, RequestFactory

from blog import fill
from blog.models import PostViews
from blog.page_replay import PageReplayApp
from blog.stats import counter
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, site_options

pytestmark = pytest.mark.django_db

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


class Reader:
    """A browser talking WSGI to an application, keeping its cookies."""

    def __init__(self, app, user_agent=READER):
        self.app, self.user_agent, self.cookies = app, user_agent, {}

    def get(self, path, **headers):
        environ = RequestFactory().get(path, HTTP_USER_AGENT=self.user_agent, **headers).environ
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = {}

        def start_response(status, headers):
            started.update(status=status, headers=headers)

        result = self.app(environ, start_response)
        body = b"".join(result).decode()
        result.close()
        for name, value in started["headers"]:
            if name == "Set-Cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return int(started["status"].split()[0]), dict(started["headers"]), body


class Counting:
    """The Django application, counting the requests that reach it."""

    def __init__(self):
        self.django, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


@pytest.fixture
def django_app():
    # As Django's test client does: the test's transaction holds the connection, so the
    # request signals must not close it.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield Counting()
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def app(django_app):
    return PageReplayApp(django_app)


def views_shown(body):
    return int(re.search(r"Views: (\d+)", body).group(1))


def hidden_fields(body):
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))


def test_a_page_served_kept_is_replayed_without_django_and_counts_every_load(app, django_app):
    post = PostFactory()
    shown = [views_shown(Reader(app).get(post.get_absolute_url())[2]) for _ in range(6)]
    assert shown == [1, 2, 3, 4, 5, 6]
    assert django_app.calls == 2  # rendered, then served from the page cache, then replayed
    counter.flush_all()
    assert PostViews.objects.get(post=post).count == 6


def test_replays_carry_their_own_nonce_token_and_cookie(app):
    post = PostFactory()
    for _ in range(2):
        Reader(app).get(post.get_absolute_url())
    seen = []
    for _ in range(2):
        status, headers, body = Reader(app).get(post.get_absolute_url())
        assert status == 200 and "csrftoken=" in headers.get("Set-Cookie", "")
        nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in body and fill.marker("").split(".")[0] not in body
        fields = hidden_fields(body)
        seen.append((nonce, fields["csrfmiddlewaretoken"], fields["token"]))
    assert all(a != b for a, b in zip(*seen, strict=True))


def test_a_reader_keeps_their_csrf_cookie_and_posts_from_a_replayed_page(app, settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0
    site_options(comment_previously_approved=False)
    post = PostFactory()
    reader = Reader(app)
    for _ in range(3):
        reader.get(post.get_absolute_url())
    cookie = reader.cookies["csrftoken"]
    status, headers, body = reader.get(post.get_absolute_url())
    assert reader.cookies["csrftoken"] == cookie  # sent again only to renew its expiry
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = cookie
    data = {**hidden_fields(body), "name": "Ria", "email": "ria@example.com", "url": ""}
    data.update(comment="Posted from a replayed page.", reply_to="0", followup="")
    response = browser.post("/comments/post/", data, headers={"User-Agent": READER})
    assert response.status_code == 302, response.content.decode()
    assert Comment.objects.get().comment == "Posted from a replayed page."


def test_a_change_shows_on_the_next_load_after_replays(app, django_app):
    post = PostFactory(title="Before the edit")
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    post.title = "After the edit"
    post.save()
    assert "After the edit" in Reader(app).get(post.get_absolute_url())[2]
    CommentFactory(content_object=post, comment="A fresh approved comment.")
    assert "A fresh approved comment." in Reader(app).get(post.get_absolute_url())[2]


@pytest.mark.parametrize("cookie", ["sessionid=abc", "comment_author_x=Ria", "inkwell-postpass=1"])
def test_readers_with_cookies_of_their_own_reach_django(app, django_app, cookie):
    post = PostFactory()
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    calls = django_app.calls
    reader = Reader(app)
    reader.cookies.update(dict([cookie.split("=")]))
    reader.get(post.get_absolute_url())
    Reader(app).get(post.get_absolute_url() + "?replytocom=1")
    assert django_app.calls == calls + 2


def test_bots_get_replays_without_being_counted(app):
    post = PostFactory()
    for _ in range(2):
        Reader(app).get(post.get_absolute_url())
    bot = Reader(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert views_shown(bot.get(post.get_absolute_url())[2]) == 2
    assert views_shown(Reader(app).get(post.get_absolute_url())[2]) == 3


def test_an_unknown_host_is_refused_by_django(app, django_app):
    post = PostFactory()
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    status, _, _ = Reader(app).get(post.get_absolute_url(), HTTP_HOST="evil.example")
    assert status == 400
