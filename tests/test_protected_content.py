"""Until its password is given, nothing of a protected entry's content leaves the site: not the
page, its meta tags or JSON-LD, feeds, search snippets or index, sitemaps, comment feeds, or
an export made for someone who does not edit it (`Post.visible_content` decides for all)."""

import io
import json
import re

import pytest

from tests.factories import CommentFactory, PostFactory, UserFactory, site_options
from tests.roles import user_with_role
from wordpress.exporter import Exporter

pytestmark = pytest.mark.django_db

SECRET_BODY = "<p>Harbour vault combination seventeen.</p>"
SECRET_EXCERPT = "Vault excerpt nineteen"


def protected(**fields):
    fields = {"title": "Members news", **fields}
    return PostFactory(password="tide42", body=SECRET_BODY, excerpt=SECRET_EXCERPT, **fields)


def leaks(text):
    return [word for word in ("seventeen", "nineteen", "tide42") if word in text]


def head_of(html):
    descriptions = re.findall(r'<meta (?:name|property)="[^"]*description" content="([^"]*)"', html)
    ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.DOTALL)
    return descriptions, json.loads(ld.group(1))["description"]


@pytest.mark.parametrize("post_type", ["post", "page"])
def test_meta_tags_and_json_ld_carry_nothing_until_the_password_is_given(client, post_type):
    entry = protected(post_type=post_type)
    html = client.get(entry.get_absolute_url()).content.decode()
    descriptions, ld_description = head_of(html)
    assert len(descriptions) == 3  # description, og:description, twitter:description
    assert leaks(html) == []
    assert descriptions == ["", "", ""] and ld_description == ""

    client.post("/postpass/", {"post_password": "tide42", "next": entry.get_absolute_url()})
    unlocked = client.get(entry.get_absolute_url()).content.decode()
    assert "seventeen" in unlocked
    assert head_of(unlocked)[0] == [SECRET_EXCERPT] * 3


def test_meta_description_of_an_open_post_is_its_excerpt(client):
    post = PostFactory(excerpt="An open excerpt", body="<p>Open body.</p>")
    html = client.get(post.get_absolute_url()).content.decode()
    assert head_of(html) == (["An open excerpt"] * 3, "An open excerpt")


def test_a_theme_that_shows_snippets_and_teasers_unguarded_still_shows_nothing(
    client, tmp_path, settings, django_capture_on_commit_callbacks
):
    theme = tmp_path / "themes" / "bare"
    theme.mkdir(parents=True)
    listing = (
        "{% load blog %}{% for post in posts %}<article>{{ post.display_title }}|"
        "{{ post|search_snippet:search_words }}|{{ post|teaser|first }}|"
        "{{ post|meta_description }}</article>{% endfor %}"
    )
    (theme / "search.html").write_text(listing)
    (theme / "index.html").write_text(listing.replace("search_words", "''"))
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    site_options(theme="bare")
    with django_capture_on_commit_callbacks(execute=True):
        protected()
    found = client.get("/", {"s": "Members"}).content.decode()
    assert "Members news" in found and leaks(found) == []
    assert leaks(client.get("/").content.decode()) == []
    assert "Members news" not in client.get("/", {"s": "seventeen"}).content.decode()


@pytest.mark.parametrize("use_excerpt", [False, True])
def test_feeds_of_every_kind_leave_protected_posts_out(client, use_excerpt):
    from tests.factories import CategoryFactory

    site_options(rss_use_excerpt=use_excerpt)
    category = CategoryFactory(slug="news")
    post = protected(categories=[category])
    author = post.author.get_username()
    for url in ("/feed/", "/feed/atom/", "/category/news/feed/", f"/author/{author}/feed/"):
        body = client.get(url).content.decode()
        assert "Members news" not in body and leaks(body) == [], url


def test_comment_feeds_leave_out_the_discussion_of_protected_posts(client):
    post = protected()
    CommentFactory(content_object=post, comment="Reply about the vault, eighteen.")
    assert "eighteen" not in client.get("/comments/feed/").content.decode()
    assert client.get(post.get_absolute_url() + "feed/").status_code == 404


def test_an_export_for_an_author_leaves_out_what_they_may_not_see():
    author = user_with_role("Author")
    other = UserFactory(username="other-writer")
    mine = protected(author=author, title="My protected")
    theirs = protected(author=other, title="Their protected")
    PostFactory(author=other, status="draft", title="Their draft", body="<p>unfinished</p>")
    CommentFactory(content_object=theirs, user_email="their-reader@example.com")
    CommentFactory(content_object=mine, user_email="my-reader@example.com")

    out = io.StringIO()
    Exporter("https://example.org", user=author).write(out)
    export = out.getvalue()
    items = {
        re.search(r"<title><!\[CDATA\[(.*?)\]\]></title>", item).group(1): item
        for item in re.findall(r"<item>.*?</item>", export, re.DOTALL)
    }
    assert set(items) == {"My protected", "Their protected"}
    assert "seventeen" in items["My protected"] and "tide42" in items["My protected"]
    assert "my-reader@example.com" in items["My protected"]
    assert leaks(items["Their protected"]) == []
    assert "their-reader@example.com" not in export and "unfinished" not in export

    out = io.StringIO()
    Exporter("https://example.org", user=user_with_role("Editor")).write(out)
    assert "their-reader@example.com" in out.getvalue() and "unfinished" in out.getvalue()
