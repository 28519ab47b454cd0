"""Feeds, sitemaps and robots.txt: what feed readers and search engines are given."""

import datetime
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from defusedxml import ElementTree
from django.utils import timezone

from blog.models import SiteOptions
from tests.factories import CategoryFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(response):
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_main_feed_has_ten_newest_published_posts_with_full_text(client):
    posts = [
        PostFactory(
            title=f"Entry {n}",
            body=f"<p>Body {n}</p><!--more--><p>Rest {n}</p>",
            published_at=timezone.now() - datetime.timedelta(hours=n + 1),
        )
        for n in range(12)
    ]
    PostFactory(title="A draft", status="draft")
    feed = parse(client.get("/feed/"))
    assert feed.version == "rss20"
    assert [e.title for e in feed.entries] == [p.title for p in posts[:10]]
    first = feed.entries[0]
    assert first.link == "http://testserver" + posts[0].get_absolute_url()
    assert "Rest 0" in first.description
    assert first.published_parsed and first.author
    assert first.id


def test_feed_settings_items_and_excerpt(client):
    options = SiteOptions.get()
    options.posts_per_rss = 3
    options.rss_use_excerpt = True
    options.save()
    for n in range(5):
        PostFactory(body=f"<p>Teaser {n}</p><!--more--><p>Hidden rest {n}</p>")
    feed = parse(client.get("/feed/"))
    assert len(feed.entries) == 3
    assert "Teaser" in feed.entries[0].description
    assert "Hidden rest" not in feed.entries[0].description


def test_atom_feed(client):
    post = PostFactory(title="Atom entry")
    feed = parse(client.get("/feed/atom/"))
    assert feed.version == "atom10"
    assert feed.entries[0].title == "Atom entry"
    assert feed.entries[0].id and feed.entries[0].updated
    assert feed.entries[0].link == "http://testserver" + post.get_absolute_url()


def test_category_tag_and_author_feeds(client):
    news = CategoryFactory(name="News", slug="news")
    local = CategoryFactory(name="Local", slug="local", parent=news)
    tag = TagFactory(name="tides", slug="tides")
    author = UserFactory(username="rhea")
    in_local = PostFactory(title="In local", categories=[local], author=author)
    in_local.tags.set([tag])
    PostFactory(title="Unrelated")
    for path in (
        "/category/news/feed/",
        "/category/news/feed/atom/",
        "/tag/tides/feed/",
        "/tag/tides/feed/atom/",
        "/author/rhea/feed/",
        "/author/rhea/feed/atom/",
    ):
        assert [e.title for e in parse(client.get(path)).entries] == ["In local"], path
    assert client.get("/category/nothing/feed/").status_code == 404


def test_archives_announce_their_own_feed(client):
    PostFactory(categories=[CategoryFactory(name="News", slug="news")])
    html = client.get("/category/news/").content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Inkwell &raquo; '
        'Category: News Feed" href="/category/news/feed/">'
    ) in html


def test_feeds_answer_conditional_gets_with_304(client):
    PostFactory()
    first = client.get("/feed/")
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get("/feed/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get("/feed/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    last_modified = parsedate_to_datetime(first["Last-Modified"])
    earlier = (last_modified - datetime.timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get("/feed/", headers={"If-Modified-Since": earlier}).status_code == 200


def test_every_page_announces_the_feeds(client):
    post = PostFactory()
    for path in ("/", post.get_absolute_url(), "/2020/", "/?s=x"):
        html = client.get(path).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html
        assert 'href="/feed/"' in html and 'href="/comments/feed/"' in html


def locations(response):
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")], root


def test_sitemap_index_lists_the_sections_with_lastmod(client):
    post = PostFactory(categories=[CategoryFactory(slug="news")])
    urls, root = locations(client.get("/sitemap.xml"))
    assert root.tag == f"{SITEMAP_NS}sitemapindex"
    assert urls == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ("posts", "pages", "categories", "tags", "authors")
    ]
    lastmods = {
        item.find(f"{SITEMAP_NS}loc").text: item.find(f"{SITEMAP_NS}lastmod")
        for item in root.iter(f"{SITEMAP_NS}sitemap")
    }
    assert lastmods["http://testserver/sitemap-posts.xml"].text.startswith(
        post.updated_at.date().isoformat()
    )
    assert lastmods["http://testserver/sitemap-categories.xml"] is not None
    assert lastmods["http://testserver/sitemap-tags.xml"] is None  # no tagged posts yet


def test_sitemap_sections_hold_the_right_urls(client):
    author = UserFactory(username="sol")
    news = CategoryFactory(slug="news")
    CategoryFactory(slug="empty")
    post = PostFactory(author=author, categories=[news])
    draft = PostFactory(status="draft", author=UserFactory(username="hidden"))
    urls, root = locations(client.get("/sitemap-posts.xml"))
    assert urls == ["http://testserver" + post.get_absolute_url()]
    assert "http://testserver" + draft.get_absolute_url() not in urls
    assert root.find(f"{SITEMAP_NS}url/{SITEMAP_NS}lastmod") is not None
    assert locations(client.get("/sitemap-categories.xml"))[0] == [
        "http://testserver/category/news/"
    ]
    assert locations(client.get("/sitemap-authors.xml"))[0] == ["http://testserver/author/sol/"]
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemaps_leave_out_password_protected_entries(client):
    secret = CategoryFactory(slug="secret")
    post = PostFactory(password="tide42", categories=[secret], author=UserFactory(username="shy"))
    page = PostFactory(post_type="page", slug="members", password="tide42")
    posts = locations(client.get("/sitemap-posts.xml"))[0]
    pages = locations(client.get("/sitemap-pages.xml"))[0]
    assert "http://testserver" + post.get_absolute_url() not in posts
    assert "http://testserver" + page.get_absolute_url() not in pages
    assert (
        "http://testserver/category/secret/"
        not in locations(client.get("/sitemap-categories.xml"))[0]
    )
    assert "http://testserver/author/shy/" not in locations(client.get("/sitemap-authors.xml"))[0]


def test_wp_sitemap_redirects_and_robots_names_the_sitemap(client):
    response = client.get("/wp-sitemap.xml")
    assert response.status_code == 301 and response["Location"] == "/sitemap.xml"
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
