"""Long threads: paging, order, landing on the right page, and a fixed query budget."""

import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, comment_form_data, site_options

pytestmark = pytest.mark.django_db

READER = {"User-Agent": "Mozilla/5.0 Firefox/130.0"}


def roots(post, n, **fields):
    return [
        CommentFactory(content_object=post, comment=f"Root number {i}.", **fields) for i in range(n)
    ]


def shown_roots(html):
    return [int(n) for n in re.findall(r"Root number (\d+)\.", html)]


def test_500_threaded_comments_stay_within_the_post_page_budget(client, post):
    parents = []
    for n in range(500):
        parent = parents[(n - 1) // 2] if n else None
        comment = CommentFactory(content_object=post, parent_id=parent.pk if parent else 0)
        parents.append(comment)
    client.get(post.get_absolute_url(), headers=READER)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(post.get_absolute_url(), headers=READER)
    assert "500 Responses" in response.content.decode()
    print(f"post page queries with 500 threaded comments: {len(queries)}")
    assert len(queries) <= 12


def test_comments_are_paged_newest_page_first(client, post):
    site_options(page_comments=True, comments_per_page=3)
    roots(post, 7)
    first_view = client.get(post.get_absolute_url()).content.decode()
    assert shown_roots(first_view) == [6]
    assert "&laquo; Older Comments" in first_view
    page_2 = client.get(f"{post.get_absolute_url()}comment-page-2/").content.decode()
    assert shown_roots(page_2) == [3, 4, 5]
    page_1 = client.get(f"{post.get_absolute_url()}comment-page-1/").content.decode()
    assert shown_roots(page_1) == [0, 1, 2]
    assert "7 Responses" in page_1


def test_oldest_page_first_and_newer_at_top(client, post):
    site_options(
        page_comments=True,
        comments_per_page=3,
        default_comments_page="oldest",
        comment_order="desc",
    )
    roots(post, 5)
    html = client.get(post.get_absolute_url()).content.decode()
    assert shown_roots(html) == [2, 1, 0]
    assert f'href="{post.get_absolute_url()}comment-page-2/#comments"' in html


def test_replies_stay_with_their_thread_on_its_page(client, post):
    site_options(page_comments=True, comments_per_page=2)
    first, second, third = roots(post, 3)
    CommentFactory(content_object=post, parent_id=first.pk, comment="Reply to the first.")
    page_1 = client.get(f"{post.get_absolute_url()}comment-page-1/").content.decode()
    assert "Reply to the first." in page_1
    assert "Reply to the first." not in client.get(post.get_absolute_url()).content.decode()


def test_reply_lands_on_the_page_of_its_thread(client, post):
    site_options(page_comments=True, comments_per_page=2, comment_previously_approved=False)
    first, *_ = roots(post, 5)
    response = client.post(
        "/comments/post/",
        comment_form_data(post, reply_to=str(first.pk), comment="Late reply."),
        REMOTE_ADDR="198.51.100.60",
    )
    reply = Comment.objects.get(comment="Late reply.")
    assert response["Location"] == f"{post.get_absolute_url()}comment-page-1/#comment-{reply.pk}"
    assert "Late reply." in client.get(response["Location"]).content.decode()


def test_threading_off_shows_a_flat_list_without_reply_links(client, post):
    site_options(thread_comments=False)
    parent = CommentFactory(content_object=post)
    child = CommentFactory(content_object=post, parent_id=parent.pk)
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="children"' not in html
    assert f'class="comment depth-1" id="comment-{child.pk}"' in html
    assert "replytocom=" not in html


@pytest.mark.parametrize("path", ["/comments/feed/", "/comments/feed/atom/"])
def test_site_comment_feeds_list_approved_comments_only(client, post, path):
    CommentFactory(content_object=post, comment="Visible in feeds.")
    CommentFactory(content_object=post, state="pending", comment="Held out of feeds.")
    CommentFactory(content_object=PostFactory(status="draft"), comment="On a draft.")
    for n in range(12):
        CommentFactory(content_object=post, comment=f"Filler {n}.")
    feed = feedparser.parse(client.get(path).content)
    assert not feed.bozo
    assert len(feed.entries) == 10
    bodies = " ".join(entry.summary for entry in feed.entries)
    assert "Held out of feeds." not in bodies and "On a draft." not in bodies
    assert all(entry.link.startswith("http://testserver/") for entry in feed.entries)


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
def test_post_comment_feed_holds_that_posts_comments(client, post, suffix):
    CommentFactory(content_object=post, user_name="Ana", comment="On this post.")
    CommentFactory(comment="On another post.")
    feed = feedparser.parse(client.get(post.get_absolute_url() + suffix).content)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["By: Ana"]
    assert feed.entries[0].link.endswith(
        f"{post.get_absolute_url()}#comment-{Comment.objects.get(user_name='Ana').pk}"
    )


def test_post_page_announces_its_comment_feed(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{post.get_absolute_url()}feed/"' in html
    assert 'href="/comments/feed/"' in html


def test_gravatar_only_when_switched_on(client, post):
    CommentFactory(content_object=post, user_email="Someone@Example.com ")
    assert "gravatar.com" not in client.get(post.get_absolute_url()).content.decode()
    site_options(show_avatars=True)
    html = client.get(post.get_absolute_url()).content.decode()
    assert (
        'src="https://www.gravatar.com/avatar/'
        '16d113840f999444259f73bac9ab8b10?s=64&amp;d=identicon&amp;r=g"'
    ) in html
    assert 'loading="lazy"' in html and 'width="32" height="32"' in html
