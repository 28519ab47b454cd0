"""Anonymous readers get kept pages that still count every view and show the live count; any
change a reader could see makes them stale; readers with anything of their own never get one."""

import datetime
import re
import threading
import time
import urllib.request

import pytest
from django.test import Client
from django.utils import timezone

from blog import freshness
from blog.models import PASSWORD_COOKIE, PostViews, password_token
from blog.stats import counter
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, site_options

pytestmark = pytest.mark.django_db

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def load(client, path, **headers):
    response = client.get(path, headers={"User-Agent": READER, **headers})
    assert response.status_code == 200
    return response


HIDDEN_FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def hidden_fields(page):
    return dict(HIDDEN_FIELD.findall(page.content.decode()))


def kept(response):
    return response.get("X-Inkwell-Cache") == "hit"


def shown_views(response):
    return int(re.search(rb"Views: (\d+)", response.content).group(1))


def stored_views(post):
    counter.flush_all()
    return PostViews.objects.get(post=post).count


def test_second_anonymous_load_is_served_kept_without_rendering(client, django_assert_num_queries):
    post = PostFactory()
    first = load(client, post.get_absolute_url())
    assert not kept(first) and first.templates
    with django_assert_num_queries(0):  # the stored count was read with the first load
        second = load(client, post.get_absolute_url())
    assert kept(second) and second.templates == []
    assert post.display_title.encode() in second.content


def test_a_flush_with_nothing_to_write_leaves_kept_pages_without_a_query(
    client, django_assert_num_queries
):
    post, bot = PostFactory(), "Googlebot/2.1 (+http://www.google.com/bot.html)"
    load(client, post.get_absolute_url())
    counter.flush_all()  # the reader's view is written: the stored count is read again
    assert shown_views(load(client, post.get_absolute_url(), **{"User-Agent": bot})) == 1
    counter.flush_all()  # each process's flusher, every second, mostly with nothing to write
    with django_assert_num_queries(0):
        assert shown_views(load(client, post.get_absolute_url(), **{"User-Agent": bot})) == 1


def test_kept_page_counts_every_view_and_shows_the_live_count(client):
    post = PostFactory()
    shown = [shown_views(load(client, post.get_absolute_url())) for _ in range(5)]
    assert shown == [1, 2, 3, 4, 5]
    assert stored_views(post) == 5


def test_bots_get_kept_pages_without_being_counted(client):
    post = PostFactory()
    load(client, post.get_absolute_url())
    bot = client.get(post.get_absolute_url(), headers={"User-Agent": "Googlebot/2.1"})
    assert kept(bot) and shown_views(bot) == 1
    assert stored_views(post) == 1


def test_home_archives_and_feeds_are_kept(client):
    post = PostFactory(categories=[])
    day = timezone.localdate(post.published_at)
    for path in ("/", f"/{day.year}/", "/feed/", "/comments/feed/"):
        assert not kept(load(client, path))
        assert kept(load(client, path)), path


@pytest.mark.django_db(transaction=True)
def test_concurrent_loads_of_a_kept_page_are_counted_exactly(live_server):
    post = PostFactory()
    url = live_server.url + post.get_absolute_url()
    threads, requests_each, failures, hits = 8, 25, [], []

    def read_repeatedly():
        for _ in range(requests_each):
            request = urllib.request.Request(url, headers={"User-Agent": READER})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status != 200:
                        failures.append(response.status)
                    hits.append(response.headers.get("X-Inkwell-Cache") == "hit")
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(repr(error))

    workers = [threading.Thread(target=read_repeatedly) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert sum(hits) > threads * requests_each // 2
    assert counter.current_views(post) == threads * requests_each
    assert stored_views(post) == threads * requests_each


def test_views_counted_on_kept_pages_wait_in_the_shared_buffer_not_in_a_process(client):
    post = PostFactory()
    for _ in range(4):
        load(client, post.get_absolute_url())
    assert PostViews.objects.get(post=post).count == 0  # no database write per view
    assert shown_views(load(client, post.get_absolute_url())) == 5
    counter.flush_all()  # whichever process flushes next writes them
    assert PostViews.objects.get(post=post).count == 5


def test_graceful_stop_writes_every_counted_view(client):
    post = PostFactory()
    for _ in range(3):
        load(client, post.get_absolute_url())
    counter.flush_all()  # what the process runs at exit
    assert PostViews.objects.get(post=post).count == 3


def test_publishing_shows_on_kept_home_at_once(client):
    PostFactory(title="Older post")
    load(client, "/")
    assert kept(load(client, "/"))
    PostFactory(title="Freshly published")
    home = load(client, "/")
    assert not kept(home) and b"Freshly published" in home.content


def test_editing_shows_on_kept_post_page_at_once(client):
    post = PostFactory(title="First words")
    load(client, post.get_absolute_url())
    post.title = "Second thoughts"
    post.save()
    assert b"Second thoughts" in load(client, post.get_absolute_url()).content


def test_approved_comment_shows_on_kept_post_page_at_once(client):
    post = PostFactory()
    held = CommentFactory(content_object=post, state="pending", comment="Let me in.")
    assert b"Let me in." not in load(client, post.get_absolute_url()).content
    assert kept(load(client, post.get_absolute_url()))
    held.state = "approved"
    held.save()
    assert b"Let me in." in load(client, post.get_absolute_url()).content


def test_settings_change_shows_on_kept_pages_at_once(client):
    post = PostFactory()
    load(client, post.get_absolute_url())
    load(client, "/")
    site_options(title="Renamed Journal")
    assert b"Renamed Journal" in load(client, post.get_absolute_url()).content
    assert b"Renamed Journal" in load(client, "/").content


def test_theme_switch_shows_on_kept_pages_at_once(client, tmp_path, settings):
    theme = tmp_path / "themes" / "harbour"
    theme.mkdir(parents=True)
    (theme / "index.html").write_text("harbour home")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    PostFactory()
    load(client, "/")
    assert kept(load(client, "/"))
    site_options(theme="harbour")
    assert load(client, "/").content == b"harbour home"


def test_scheduled_post_appears_on_kept_home_when_due(client, monkeypatch):
    from blog.models import Post

    PostFactory(title="Already out")
    soon = PostFactory(
        title="Scheduled piece", published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert soon.status == "future"
    assert b"Scheduled piece" not in load(client, "/").content
    assert kept(load(client, "/"))
    Post.objects.filter(pk=soon.pk).update(published_at=timezone.now())  # its time came
    later = time.time() + 2 * 3600
    monkeypatch.setattr(freshness.time, "time", lambda: later)
    assert b"Scheduled piece" in load(client, "/").content


@pytest.mark.parametrize("who", ["signed-in", "commenter", "password"])
def test_readers_with_their_own_cookies_always_get_a_fresh_page(client, admin_user, who):
    post = PostFactory(password="tides" if who == "password" else "")
    anonymous = Client()
    load(anonymous, post.get_absolute_url())
    if who == "signed-in":
        client.force_login(admin_user)
    elif who == "commenter":
        client.cookies["comment_author"] = "signed-value"
    else:
        client.cookies[PASSWORD_COOKIE] = password_token("tides")
    for _ in range(2):
        response = load(client, post.get_absolute_url())
        assert not kept(response) and response.templates


def test_password_protected_and_private_posts_are_never_kept(client):
    protected = PostFactory(password="tides")
    for _ in range(2):
        assert not kept(load(client, protected.get_absolute_url()))


def test_kept_page_form_posts_a_comment_with_its_own_tokens(settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0
    site_options(comment_previously_approved=False)
    post = PostFactory()
    load(Client(), post.get_absolute_url())
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [load(reader, post.get_absolute_url()) for reader in readers]
    assert all(kept(page) for page in pages)
    first, second = hidden_fields(pages[0]), hidden_fields(pages[1])
    assert first["token"] != second["token"]
    assert first["csrfmiddlewaretoken"] != second["csrfmiddlewaretoken"]
    for n, (reader, fields) in enumerate(zip(readers, (first, second), strict=True)):
        data = {**fields, "name": f"Reader {n}", "email": f"r{n}@example.com", "url": ""}
        data.update(comment=f"Posted from a kept page, {n}.", reply_to="0", followup="")
        response = reader.post("/comments/post/", data, REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert response.status_code == 302, response.content.decode()
    assert Comment.objects.count() == 2


def test_kept_page_csrf_token_needs_its_own_cookie(settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0
    post = PostFactory()
    load(Client(), post.get_absolute_url())
    reader, stranger = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = load(reader, post.get_absolute_url())
    assert kept(page)
    data = {**hidden_fields(page), "name": "X", "email": "x@example.com", "reply_to": "0"}
    data["comment"] = "Forged."
    assert stranger.post("/comments/post/", data).status_code == 403


def test_a_returning_reader_posts_with_the_token_their_cookie_was_masked_into(settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0
    site_options(comment_previously_approved=False)
    post = PostFactory()
    reader = Client(enforce_csrf_checks=True)
    load(reader, post.get_absolute_url())
    secret = reader.cookies["csrftoken"].value
    page = load(reader, post.get_absolute_url())  # their cookie is sent this time
    assert page.cookies["csrftoken"].value == secret  # the same secret, its expiry renewed
    data = {**hidden_fields(page), "name": "Ria", "email": "ria@example.com", "url": ""}
    data.update(comment="Back again.", reply_to="0", followup="")
    assert reader.post("/comments/post/", data).status_code == 302
    assert Comment.objects.get().comment == "Back again."
