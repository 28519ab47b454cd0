"""What readers see around the posts: sidebar widgets, teasers, post pages, SEO, errors."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blog import widgets
from blog.models import PostViews
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, site_options

pytestmark = pytest.mark.django_db

ALL_WIDGETS = "search,recent_posts,recent_comments,archives,categories,tag_cloud,most_viewed"


def sidebar_of(html):
    return html.split('<aside id="sidebar"', 1)[1].split("</aside>", 1)[0]


def test_widgets_shown_are_a_site_option_in_that_order(client):
    site_options(sidebar_widgets="most_viewed,search")
    sidebar = sidebar_of(client.get("/").content.decode())
    assert sidebar.index("Most Viewed") < sidebar.index("widget_search")
    assert "Recent Posts" not in sidebar and "Archives" not in sidebar


def test_tag_cloud_and_most_viewed(client):
    site_options(sidebar_widgets="tag_cloud,most_viewed")
    busy, quiet = TagFactory(name="busy"), TagFactory(name="quiet")
    for n in range(3):
        post = PostFactory(title=f"Tagged {n}")
        post.tags.set([busy] if n else [busy, quiet])
        PostViews.objects.filter(post=post).update(count=10 * (n + 1))
    sidebar = sidebar_of(client.get("/").content.decode())
    sizes = dict(re.findall(r'font-size: ([\d.]+)pt" aria-label="(\w+)', sidebar)[::-1][::-1])
    assert set(sizes.values()) == {"busy", "quiet"}
    assert 'style="font-size: 22.0pt" aria-label="busy (3 items)"' in sidebar
    assert 'style="font-size: 8.0pt" aria-label="quiet (1 item)"' in sidebar
    most = re.findall(
        r"<li><a href=\"[^\"]+\">(Tagged \d)</a> <span class=\"views\">\((\d+)", sidebar
    )
    assert most == [("Tagged 2", "30"), ("Tagged 1", "20"), ("Tagged 0", "10")]


def test_widgets_add_a_fixed_number_of_queries_and_are_cached(client, settings):
    settings.INKWELL_PAGE_CACHE = False  # the archive is rendered each time, not kept
    site_options(sidebar_widgets=ALL_WIDGETS)

    def sidebar_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get("/2001/")  # an empty archive: only the sidebar has work to do
        return len(queries)

    client.get("/2001/")  # site-wide caches (settings, content types) filled
    widgets.invalidate()
    cold_small = sidebar_queries()
    warm = sidebar_queries()
    for n in range(30):
        post = PostFactory(categories=[CategoryFactory(slug=f"c{n}")])
        post.tags.set([TagFactory()])
        CommentFactory(content_object=post)
    client.get("/2001/")  # the next scheduled post looked up again after the changes
    widgets.invalidate()
    cold_big = sidebar_queries()
    assert cold_big == cold_small
    assert sidebar_queries() == warm
    assert cold_small - warm == 6  # one query per data widget; search needs none


def test_widgets_follow_new_posts_and_comments(client):
    client.get("/")
    post = PostFactory(title="Brand new post")
    assert "Brand new post" in sidebar_of(client.get("/2001/").content.decode())
    CommentFactory(content_object=post, user_name="Fresh Commenter")
    assert "Fresh Commenter" in sidebar_of(client.get("/2001/").content.decode())


def test_more_tag_makes_a_teaser_with_continue_reading(client):
    post = PostFactory(body="<p>Intro part.</p>\n<!--more-->\n<p>Hidden until opened.</p>")
    home = client.get("/").content.decode()
    assert "Intro part." in home and "Hidden until opened." not in home
    assert f'href="{post.get_absolute_url()}#more-{post.pk}">Continue reading \u2192' in home
    single = client.get(post.get_absolute_url()).content.decode()
    assert f'<span id="more-{post.pk}"></span>' in single and "Hidden until opened." in single


def test_custom_more_text(client):
    PostFactory(body="<p>Start.</p><!--more Read the whole story--><p>End.</p>")
    assert "Read the whole story<span" in client.get("/").content.decode()


def test_nextpage_splits_a_post_into_pages(client):
    post = PostFactory(
        body="<p>Page one.</p><!--nextpage--><p>Page two.</p><!--nextpage--><p>Page three.</p>"
    )
    url = post.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Page one." in first and "Page two." not in first
    assert f'<a href="{url}2/">2</a>' in first and f'<a href="{url}3/">3</a>' in first
    second = client.get(f"{url}2/").content.decode()
    entry = second.split('<div class="entry">', 1)[1]
    assert "Page two." in entry and "Page one." not in entry
    assert f'<link rel="canonical" href="http://testserver{url}2/">' in second
    assert client.get(f"{url}4/").status_code == 404
    assert client.get(f"{url}1/")["Location"] == url
    assert "Page two." not in client.get("/").content.decode()


def test_post_page_seo_tags(client):
    post = PostFactory(title='Tides & "currents"', excerpt="A short summary of the tides.")
    html = client.get(post.get_absolute_url()).content.decode()
    url = f"http://testserver{post.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta name="description" content="A short summary of the tides.">' in html
    assert '<meta property="og:title" content="Tides &amp; &quot;currents&quot;">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.+?)</script>', html).group(1)
    )
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == 'Tides & "currents"'
    assert data["url"] == url and data["datePublished"]


def test_json_ld_cannot_be_broken_out_of(client):
    post = PostFactory(title="</script><script>alert(1)</script>")
    html = client.get(post.get_absolute_url()).content.decode()
    json_ld = r'<script type="application/ld\+json"[^>]*>(.+?)</script>'
    block = re.search(json_ld, html, re.S).group(1)
    assert "<" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script>"


def test_description_falls_back_to_the_text(client):
    post = PostFactory(excerpt="", body="<p>" + "word " * 80 + "</p>")
    html = client.get(post.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert description.startswith("word word") and len(description) <= 160


def test_themed_500_page(settings):
    settings.DEBUG = False
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    import config.urls

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {
            "urlpatterns": [path("broken/", broken), *config.urls.urlpatterns],
            "handler500": config.urls.handler500,
        },
    )
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
