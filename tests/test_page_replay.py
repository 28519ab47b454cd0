"""Kept pages replayed in front of Django (blog/page_replay.py, the WSGI application gunicorn
serves): the same page as the page cache gives, with this response's own count, tokens,
cookie and nonce, and never a page a change has made stale or one meant for someone else."""

import datetime
import os
import re
import time
from http.cookies import SimpleCookie

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware import csrf
from django.test import Client, RequestFactory
from django.utils import timezone

import config.sqlite_cache
from blog import csrf_tokens, fill, freshness, page_cache, page_replay, random_pool
from blog.models import PostViews, SiteOptions
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
        if hasattr(result, "close"):  # as a WSGI server does
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


def test_a_long_page_is_replayed_whole_with_its_length(app, django_app):
    """A page past fill.filled_chunks's limit (a thread of hundreds of comments) is sent in
    pieces: the reader still gets every byte, in order, under the right Content-Length."""
    sentence = "A long paragraph of field notes, number {}. "
    post = PostFactory(body="<p>" + "".join(sentence.format(n) for n in range(3000)) + "</p>")
    for _ in range(2):
        Reader(app).get(post.get_absolute_url())  # rendered, then kept for replays
    status, headers, body = Reader(app).get(post.get_absolute_url())
    assert django_app.calls == 2, "the third load was a replay"
    assert status == 200 and int(headers["Content-Length"]) == len(body.encode()) > 128_000
    numbers = [int(n) for n in re.findall(r"field notes, number (\d+)\.", body)]
    assert numbers[-3000:] == list(range(3000))  # after the excerpt in the head
    assert views_shown(body) == 3 and body.rstrip().endswith("</html>")
    assert hidden_fields(body)["token"]


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


class _Later:
    """The `time` module, `seconds` from now."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return time.time() + self.seconds

    def __getattr__(self, name):
        return getattr(time, name)


def test_a_page_is_not_replayed_past_the_moment_its_comments_close(app, monkeypatch):
    site_options(close_comments_for_old_posts=True, close_comments_days_old=14)
    post = PostFactory(published_at=timezone.now() - datetime.timedelta(days=13, hours=23))
    for _ in range(3):
        body = Reader(app).get(post.get_absolute_url())[2]
    assert 'id="commentform"' in body
    later, now = _Later(2 * 3600), timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(hours=2))
    for module in (page_replay, page_cache, config.sqlite_cache):
        monkeypatch.setattr(module, "time", later)
    body = Reader(app).get(post.get_absolute_url())[2]
    assert "Comments are closed." in body and 'id="commentform"' not in body


def test_a_settings_change_shows_even_to_a_reader_between_its_commit_callbacks(
    app, monkeypatch, django_capture_on_commit_callbacks
):
    post = PostFactory()
    site_options(footer_credit="Old credit")
    Reader(app).get(post.get_absolute_url())
    real_changed = SiteOptions.changed.__func__

    def changed(cls):  # a reader in another worker, while the change is being committed
        for _ in range(3):
            assert "Old credit" in Reader(app).get(post.get_absolute_url())[2]
        real_changed(cls)

    monkeypatch.setattr(SiteOptions, "changed", classmethod(changed))
    with django_capture_on_commit_callbacks(execute=True):
        options = SiteOptions.get()
        options.footer_credit = "New credit"
        options.save()
        # that reader read the row as committed before, and cached it as current
        old = SiteOptions.objects.get(pk=1)
        old.footer_credit = "Old credit"
        cache.set(SiteOptions.CACHE_KEY, (cache.get(SiteOptions.VERSION_KEY), old), 300)
    assert "New credit" in Reader(app).get(post.get_absolute_url())[2]


def _cookie(headers):
    return next(iter(SimpleCookie(headers["Set-Cookie"]).values()))


def test_a_replayed_csrf_cookie_is_written_as_django_writes_it(app, settings):
    settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_HTTPONLY = "Strict", True
    post = PostFactory()
    _, from_django, _ = Reader(app).get(post.get_absolute_url())
    Reader(app).get(post.get_absolute_url())
    _, replayed, body = Reader(app).get(post.get_absolute_url())
    assert "X-Inkwell-Cache" in from_django and "X-Inkwell-Cache" in replayed
    django_cookie, replayed_cookie = _cookie(from_django), _cookie(replayed)
    for attribute in ("path", "samesite", "httponly", "secure", "max-age", "domain"):
        assert replayed_cookie[attribute] == django_cookie[attribute], attribute
    assert replayed_cookie["samesite"] == "Strict" and replayed_cookie["httponly"]
    secret = replayed_cookie.value
    token = hidden_fields(body)["csrfmiddlewaretoken"]
    assert secret != django_cookie.value and csrf._unmask_cipher_token(token) == secret


def test_replayed_tokens_are_in_djangos_own_form():
    secrets_seen = {csrf_tokens.new_secret_and_token()[0] for _ in range(200)}
    assert len(secrets_seen) == 200
    for secret in secrets_seen:
        csrf._check_token_format(secret)
        token = csrf_tokens.masked(secret)
        csrf._check_token_format(token)
        assert len(token) == csrf.CSRF_TOKEN_LENGTH and csrf._unmask_cipher_token(token) == secret
    new_readers = [csrf_tokens.new_secret_and_token() for _ in range(200)]
    assert len({secret for secret, _ in new_readers} | secrets_seen) == 400
    assert len({token for _, token in new_readers}) == 200
    for secret, token in new_readers:  # a new reader's, drawn together
        csrf._check_token_format(secret)
        csrf._check_token_format(token)
        assert csrf._unmask_cipher_token(token) == secret and token[:32] != secret
    assert not csrf_tokens.is_secret("x" * 31) and not csrf_tokens.is_secret("!" * 32)


def test_a_forked_worker_never_hands_out_its_parents_random_bytes():
    random_pool.take(16)  # this process's pool is filled
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(write, random_pool.take(16))
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 16) != random_pool.take(16)
    os.close(read)
    os.close(write)


def test_a_malformed_csrf_cookie_is_replaced_by_django(app, django_app):
    post = PostFactory()
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    calls, reader = django_app.calls, Reader(app)
    reader.cookies["csrftoken"] = "not-a-secret"
    status, headers, body = reader.get(post.get_absolute_url())
    assert status == 200 and django_app.calls == calls + 1
    assert csrf_tokens.is_secret(reader.cookies["csrftoken"])
    assert "Views: 4" in body


def test_a_conditional_request_is_answered_by_django(app, django_app):
    PostFactory()
    for _ in range(3):
        status, headers, _ = Reader(app).get("/feed/")
    assert status == 200 and "Last-Modified" in headers
    calls = django_app.calls
    status, _, body = Reader(app).get("/feed/", HTTP_IF_MODIFIED_SINCE=headers["Last-Modified"])
    assert status == 304 and body == "" and django_app.calls == calls + 1


def test_the_count_shown_follows_every_write_of_the_stored_count(app):
    post = PostFactory()
    assert [views_shown(Reader(app).get(post.get_absolute_url())[2]) for _ in range(3)] == [1, 2, 3]
    counter.flush_all()  # another process writes the buffered views: the stored count is 3
    assert views_shown(Reader(app).get(post.get_absolute_url())[2]) == 4
    counter.flush_all()
    PostViews.objects.filter(post=post).update(count=100)  # as an import writes it
    freshness.content_changed()
    assert views_shown(Reader(app).get(post.get_absolute_url())[2]) == 101


def test_a_load_after_a_change_is_counted_once_and_shows_the_change(app, django_app):
    post = PostFactory(title="Before the edit")
    shown = [views_shown(Reader(app).get(post.get_absolute_url())[2]) for _ in range(3)]
    calls = django_app.calls
    post.title = "After the edit"
    post.save()  # the replay kept in this worker is now stale
    body = Reader(app).get(post.get_absolute_url())[2]
    assert "After the edit" in body and django_app.calls == calls + 1
    shown += [views_shown(body)]
    shown += [views_shown(Reader(app).get(post.get_absolute_url())[2]) for _ in range(3)]
    assert shown == [1, 2, 3, 4, 5, 6, 7]
    counter.flush_all()
    assert PostViews.objects.get(post=post).count == 7


def test_a_replay_on_redis_counts_and_checks_the_version_in_one_round_trip(
    app, django_app, own_redis
):
    post = PostFactory(title="Counted on Redis")
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    calls = django_app.calls
    own_redis.clear()
    body = Reader(app).get(post.get_absolute_url())[2]
    assert django_app.calls == calls and views_shown(body) == 4
    assert len(own_redis) == 1
    post.title = "Changed on Redis"
    post.save()
    body = Reader(app).get(post.get_absolute_url())[2]
    assert "Changed on Redis" in body and views_shown(body) == 5
    counter.flush_all()
    assert PostViews.objects.get(post=post).count == 5


def test_a_replay_on_redis_that_holds_its_views_makes_no_round_trip(
    app, django_app, own_redis, settings
):
    settings.INKWELL_VIEWS_FLUSH_SECONDS = settings.INKWELL_VIEWS_HOLD_SECONDS = 3600
    post = PostFactory(title="Held on Redis")
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    deadline = time.monotonic() + 5
    while cache._cache.feed.read() is None:  # this process's subscription, made on first use
        assert time.monotonic() < deadline
    Reader(app).get(post.get_absolute_url())
    calls = django_app.calls
    own_redis.clear()
    shown = [views_shown(Reader(app).get(post.get_absolute_url())[2]) for _ in range(3)]
    assert shown == [5, 6, 7] and django_app.calls == calls
    assert own_redis == []
    post.title = "Changed while held"
    post.save()
    body = Reader(app).get(post.get_absolute_url())[2]
    assert "Changed while held" in body and views_shown(body) == 8
    counter.flush_all()  # pushes what this process holds first
    assert PostViews.objects.get(post=post).count == 8


def test_forwarded_headers_django_ignores_never_split_a_page_into_replays(
    app, django_app, settings
):
    settings.INKWELL_TRUSTED_PROXIES = ["127.0.0.1"]  # a proxy that passes them through
    post = PostFactory()
    for _ in range(3):
        Reader(app).get(post.get_absolute_url(), REMOTE_ADDR="127.0.0.1")
    calls = django_app.calls
    for n in range(5):
        forged = {"HTTP_X_FORWARDED_HOST": f"x{n}.invalid", "HTTP_X_FORWARDED_PORT": str(n)}
        status, _, _ = Reader(app).get(post.get_absolute_url(), REMOTE_ADDR="127.0.0.1", **forged)
        assert status == 200
    assert django_app.calls == calls  # one replay for them all: Django reads neither header


def test_every_precondition_is_left_to_django(app, django_app):
    post = PostFactory()
    for _ in range(3):
        Reader(app).get(post.get_absolute_url())
    assert Reader(app).get(post.get_absolute_url(), HTTP_IF_MATCH='"another"')[0] == 412
    old = "Mon, 01 Jan 1990 00:00:00 GMT"
    assert Reader(app).get(post.get_absolute_url(), HTTP_IF_UNMODIFIED_SINCE=old)[0] == 412


def test_the_csrf_cookie_follows_a_settings_change_at_once(app, settings):
    post = PostFactory()
    for _ in range(3):
        _, headers, _ = Reader(app).get(post.get_absolute_url())
    assert not _cookie(headers)["secure"]
    settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_DOMAIN = True, ".example.com"
    _, headers, _ = Reader(app).get(post.get_absolute_url())
    assert _cookie(headers)["secure"] and _cookie(headers)["domain"] == ".example.com"


def test_a_kept_page_is_cut_at_its_markers_and_nowhere_else():
    prefix = fill.marker("views").split(".")[0]
    page = f"<p>{prefix}.Not-a-marker</p>{fill.marker('views')}<p>{prefix}</p>".encode()
    parts = fill.split(page)
    assert parts[1::3] == [b"views"]
    filled = fill.fill(None, parts, {"views": 7}).decode()
    assert filled == f"<p>{prefix}.Not-a-marker</p>7<p>{prefix}</p>"


def test_a_page_sent_in_chunks_is_the_page_filled_in_one_piece():
    long = b"<ol>" + b"<li>comment</li>" * 5000 + b"</ol>"
    page = b"".join(
        [b"<p>", fill.marker("views").encode(), b"</p>", long, fill.marker("csrf").encode()]
        + [b"<p>", long, b"</p>", fill.marker("views").encode()]
    )
    parts, values = fill.split(page), {"views": 12, "csrf": "token"}
    chunks = fill.filled_chunks(None, parts, values)
    assert b"".join(chunks) == fill.fill(None, parts, values)
    long_texts = [text for text in parts[::3] if len(text) > len(long)]
    assert len(long_texts) == 2
    assert all(any(chunk is text for chunk in chunks) for text in long_texts), "not copied"
