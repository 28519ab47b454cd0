"""The small habits readers (and their tools) rely on: WordPress's query-string addresses,
/search/words/, a favicon, absolute addresses in feeds."""

import feedparser
import pytest

from blog.models import Media, SiteOptions
from tests.factories import CategoryFactory, PostFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_query_string_archives_and_feeds_redirect_to_their_permalinks(client):
    category, tag = CategoryFactory(slug="weather"), TagFactory(slug="fog")
    post = PostFactory(categories=[category])
    expected = {
        "?feed=rss2": "/feed/",
        "?feed=atom": "/feed/atom/",
        "?feed=comments-rss2": "/comments/feed/",
        f"?cat={category.pk}": "/category/weather/",
        f"?cat={category.pk}&feed=rss2": "/category/weather/feed/",
        "?tag=fog": "/tag/fog/",
        f"?author={post.author_id}": f"/author/{post.author.username}/",
        f"?m={post.published_at:%Y%m}": f"/{post.published_at:%Y/%m}/",
        f"?m={post.published_at:%Y}": f"/{post.published_at:%Y}/",
    }
    for query, target in expected.items():
        response = client.get("/" + query)
        assert response.status_code == 301, query
        assert response["Location"] == target, query
        assert client.get(target).status_code == 200, target
    assert tag.get_absolute_url() == "/tag/fog/"


@pytest.mark.parametrize(
    "query", ["?cat=999", "?tag=nothing", "?author=abc", "?m=2026130", "?feed=bogus"]
)
def test_query_strings_naming_nothing_are_404s(client, query):
    assert client.get("/" + query).status_code == 404


def test_pretty_search_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index, after commit
        PostFactory(title="Tide tables", body="<p>High water at noon.</p>")
        PostFactory(title="Gulls")
    response = client.get("/search/tide/")
    assert response.context["search_query"] == "tide"
    assert [post.title for post in response.context["posts"]] == ["Tide tables"]


def test_favicon_is_served_and_follows_the_site_icon(client, settings, tmp_path):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".ico")
    settings.MEDIA_ROOT = tmp_path
    icon = Media.objects.create(
        title="icon", mime_type="image/png", file="icon.png", width=512, height=512,
        sizes={"thumbnail": {"file": "icon-150x150.png", "width": 150, "height": 150}},
    )  # fmt: skip
    options = SiteOptions.get()
    options.site_icon = icon
    options.save()
    assert client.get("/favicon.ico")["Location"] == "/media/icon-150x150.png"


def test_feed_items_carry_absolute_addresses(client):
    PostFactory(body='<p><a href="/about/">About</a> <img src="/media/x.png" alt=""></p>')
    feed = feedparser.parse(client.get("/feed/").content)
    html = feed.entries[0].description
    assert 'href="http://testserver/about/"' in html
    assert 'src="http://testserver/media/x.png"' in html


def test_times_read_php_letters_as_wordpress_does(client):
    import datetime

    from django.utils import timezone

    from tests.factories import CommentFactory

    options = SiteOptions.get()
    options.time_format = "g:i a"
    options.save()
    moment = timezone.make_aware(datetime.datetime(2026, 3, 1, 14, 32))
    post = PostFactory(published_at=moment - datetime.timedelta(days=1))
    CommentFactory(content_object=post, submit_date=moment)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "2:32 pm" in html and "p.m." not in html
