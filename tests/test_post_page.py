"""The classic single-post page, as a reader meets it."""

import datetime
import re
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from blog.models import Discussion, Status
from tests.factories import CategoryFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

SENTENCES = {
    ("open", "open"): "You can leave a response, or trackback from your own site.",
    ("closed", "open"): "Responses are currently closed, but you can trackback from your own site.",
    (
        "open",
        "closed",
    ): "You can skip to the end and leave a response. Pinging is currently not allowed.",
    ("closed", "closed"): "Both comments and pings are currently closed.",
}


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_post_page_shows_title_body_caption_source_and_views(client, reader_headers):
    post = PostFactory(
        title="Tide turbines light the library",
        body='<p>Opening paragraph.</p>\n\n[caption id="attachment_7" align="aligncenter" '
        'width="640"]<img src="/media/x.jpg" alt="Library at dusk" width="640" '
        'height="360"> Image source: AP[/caption]\n\n<blockquote><p>Quoted.</p></blockquote>',
        source_url="https://example.com/original",
        source_name="Coastal Wire",
        categories=[CategoryFactory(name="News", slug="news")],
    )
    html = client.get(post.get_absolute_url(), headers=reader_headers).content.decode()
    assert '<h1 class="entry-title">Tide turbines light the library</h1>' in html
    assert '<figure id="attachment_7" class="wp-caption aligncenter"' in html
    assert '<figcaption class="wp-caption-text">Image source: AP</figcaption>' in html
    assert "<blockquote><p>Quoted.</p></blockquote>" in html
    assert 'Source: <a href="https://example.com/original">Coastal Wire</a>' in html
    assert "Views: 1" in html
    assert f'<link rel="shortlink" href="http://testserver/?p={post.pk}">' in html
    assert '<h3 id="reply-title" class="comment-reply-title">Leave a Reply' in html
    assert 'id="sidebar"' in html
    assert "Powered by Inkwell" in html and "Entries (RSS)" in html


def test_postmetadata_names_date_time_and_categories(client):
    post = PostFactory(
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 14, 5)),
        categories=[CategoryFactory(name="News", slug="news")],
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert (
        "This entry was posted on Friday, March 1st, 2024 at 2:05 pm and is filed under "
        "News. You can follow any responses to this entry through the RSS 2.0 feed."
    ) in text_of(html)


@pytest.mark.parametrize(("comments", "pings"), list(SENTENCES))
def test_postmetadata_sentence_matches_discussion_settings(client, comments, pings):
    post = PostFactory(comment_status=comments, ping_status=pings)
    page = text_of(client.get(post.get_absolute_url()).content.decode())
    assert SENTENCES[(comments, pings)] in page
    for other in set(SENTENCES.values()) - {SENTENCES[(comments, pings)]}:
        assert other not in page


def test_pingback_header_and_link_only_while_pings_are_open(client):
    open_post = PostFactory(ping_status=Discussion.OPEN)
    closed_post = PostFactory(ping_status=Discussion.CLOSED)
    response = client.get(open_post.get_absolute_url())
    assert response["X-Pingback"] == "http://testserver/xmlrpc.php"
    assert '<link rel="pingback" href="http://testserver/xmlrpc.php">' in response.content.decode()
    response = client.get(closed_post.get_absolute_url())
    assert "X-Pingback" not in response
    assert 'rel="pingback"' not in response.content.decode()


def test_comments_closed_replaces_the_form(client):
    post = PostFactory(comment_status=Discussion.CLOSED)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed." in html
    assert 'id="commentform"' not in html


def test_responses_heading_counts_approved_comments(client):
    post = PostFactory(title="Counting")
    assert "No Responses" in client.get(post.get_absolute_url()).content.decode()
    CommentFactory(content_object=post)
    assert (
        "One Response to &#8220;Counting&#8221;"
        in client.get(post.get_absolute_url()).content.decode()
    )
    CommentFactory(content_object=post)
    CommentFactory(content_object=post, state="pending")
    assert (
        "2 Responses to &#8220;Counting&#8221;"
        in client.get(post.get_absolute_url()).content.decode()
    )


def _threaded_comments(post, total):
    parents = []
    for n in range(total):
        parent = parents[n // 3] if n >= 3 and n // 3 < len(parents) else None
        comment = CommentFactory(content_object=post, parent_id=parent.pk if parent else 0)
        parents.append(comment)


def test_post_page_query_count_does_not_grow_with_comments(
    client, django_assert_max_num_queries, django_assert_num_queries, reader_headers, settings
):
    settings.INKWELL_PAGE_CACHE = False  # rendering is measured, not the page cache
    post = PostFactory()
    client.get(post.get_absolute_url(), headers=reader_headers)  # warm the site-wide caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as empty:
        client.get(post.get_absolute_url(), headers=reader_headers)
    _threaded_comments(post, 200)
    with django_assert_max_num_queries(12) as counted:
        response = client.get(post.get_absolute_url(), headers=reader_headers)
    print(f"post page queries with 200 comments: {len(counted.captured_queries)}")
    assert "200 Responses" in response.content.decode()
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(post.get_absolute_url(), headers=reader_headers)


def test_a_signed_in_reader_costs_no_round_trip_to_redis_while_nothing_changes(
    client, own_redis, reader_headers, django_user_model, settings
):
    settings.INKWELL_VIEWS_FLUSH_SECONDS = settings.INKWELL_VIEWS_HOLD_SECONDS = 3600
    post = PostFactory()
    _threaded_comments(post, 20)
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "a long phrase 42")
    client.force_login(editor)
    deadline = time.monotonic() + 5
    while cache._cache.feed.read() is None:  # this process's subscription, made on first use
        assert time.monotonic() < deadline
    for _ in range(2):  # fills the caches, then this thread's memory of them
        client.get(post.get_absolute_url(), headers=reader_headers)
    own_redis.clear()
    response = client.get(post.get_absolute_url(), headers=reader_headers)
    page = response.content.decode()
    assert 'id="logout-form"' in page and "Views: 3" in page
    # The session, the options and the content version remembered; the view held.
    assert own_redis == []


def test_drafts_pending_and_future_posts_are_404_to_readers(client):
    for status in (Status.DRAFT, Status.PENDING, Status.PRIVATE):
        post = PostFactory(status=status)
        assert client.get(post.get_absolute_url()).status_code == 404
        assert client.get(f"/?p={post.pk}").status_code == 404
    future = PostFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    assert future.status == Status.FUTURE
    assert client.get(future.get_absolute_url()).status_code == 404


def test_scheduled_post_is_published_once_its_time_has_passed(client):
    post = PostFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(post.get_absolute_url()).status_code == 404
    type(post).objects.filter(pk=post.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    post.refresh_from_db()
    assert post.status == Status.FUTURE
    assert client.get(post.get_absolute_url()).status_code == 200
    assert post.title in client.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/2024/01/01/no-such-post/",
        "/2021/13/40/slug/",
        "/2021/02/30/slug/",
        "/nope/at/all/",
    ],
)
def test_unknown_or_malformed_permalinks_get_the_themed_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Error 404" in html and 'class="searchform"' in html and 'id="sidebar"' in html


def test_query_string_shortlink_redirects_permanently(client):
    post = PostFactory()
    response = client.get(f"/?p={post.pk}")
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()
    assert client.get("/?p=abc").status_code == 404


def test_home_lists_ten_posts_a_page_with_sticky_first(client):
    posts = [
        PostFactory(published_at=timezone.now() - datetime.timedelta(hours=n + 1))
        for n in range(23)
    ]
    sticky = PostFactory(
        title="Pinned announcement",
        is_sticky=True,
        published_at=timezone.now() - datetime.timedelta(days=30),
    )
    first = client.get("/").content.decode()
    titles = re.findall(r'rel="bookmark">([^<]+)</a>', first)
    assert titles[0] == "Pinned announcement"
    assert titles[1:] == [p.title for p in posts[:10]]
    second = client.get("/page/2/").content.decode()
    assert re.findall(r'rel="bookmark">([^<]+)</a>', second) == [p.title for p in posts[10:20]]
    assert sticky.title not in second
    assert client.get("/page/9/").status_code == 404


def test_unicode_slug_is_served_at_its_unicode_and_encoded_url(client):
    post = PostFactory(title="Café au lait", slug="café-au-lait")
    assert client.get(post.get_absolute_url()).status_code == 200
    encoded = post.get_absolute_url().replace("café", "caf%C3%A9")
    assert client.get(encoded).status_code == 200


def test_same_slug_on_the_same_day_is_made_unique():
    first = PostFactory(title="Weekly notes")
    second = PostFactory(title="Weekly notes", published_at=first.published_at)
    assert first.slug == "weekly-notes"
    assert second.slug == "weekly-notes-2"


def test_empty_title_shows_no_title(client):
    post = PostFactory(title="", slug="untitled-thing")
    assert "(no title)" in client.get(post.get_absolute_url()).content.decode()


def test_wp_admin_and_login_redirect_to_the_admin(client):
    assert client.get("/wp-admin/")["Location"] == "/admin/"
    assert client.get("/wp-admin/post-new.php")["Location"] == "/admin/"
    assert client.get("/wp-login.php")["Location"] == "/admin/login/"


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_site_options_are_read_from_the_cache_once_a_request(client, monkeypatch):
    from blog.models import SiteOptions, options

    post = PostFactory()
    reads = []
    real_get_many = options.cache.get_many

    def counting_get_many(keys, *args, **kwargs):
        if SiteOptions.CACHE_KEY in keys:
            reads.append(keys)
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(options.cache, "get_many", counting_get_many)
    client.get(post.get_absolute_url())
    assert len(reads) == 1
    site = SiteOptions.get()
    site.title = "Renamed"
    site.save()
    assert "Renamed" in client.get(post.get_absolute_url()).content.decode()
