"""Inkwell as an oEmbed provider (WordPress's route, card and shapes) and RSD discovery."""

import re
import xml.etree.ElementTree as ET

import pytest

from blog.models import Status
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_oembed_describes_a_post_with_a_sandboxed_card(client):
    post = PostFactory(title="Lighthouse", body="<p>The lamp turns nightly.</p>")
    url = f"http://testserver{post.get_absolute_url()}"
    data = client.get("/wp-json/oembed/1.0/embed", {"url": url, "maxwidth": 400}).json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["title"] == "Lighthouse" and data["width"] == 400
    assert 'sandbox="allow-scripts"' in data["html"]
    assert f'src="{url}embed/"' in data["html"]
    card = client.get(f"{post.get_absolute_url()}embed/")
    assert card.status_code == 200
    assert "The lamp turns nightly." in card.content.decode()
    xml = client.get("/wp-json/oembed/1.0/embed", {"url": url, "format": "xml"})
    assert ET.fromstring(xml.content).findtext("title") == "Lighthouse"


def test_oembed_knows_nothing_of_hidden_or_foreign_urls(client):
    draft = PostFactory(status=Status.DRAFT)
    for url in (f"http://testserver{draft.get_absolute_url()}", "http://elsewhere.example/x/"):
        response = client.get("/wp-json/oembed/1.0/embed", {"url": url})
        assert response.status_code == 404
    assert client.get(f"{draft.get_absolute_url()}embed/").status_code == 404


def test_protected_post_card_shows_no_content(client):
    post = PostFactory(password="kelp", body="<p>Secret cove.</p>")
    card = client.get(f"{post.get_absolute_url()}embed/").content.decode()
    assert "Secret cove" not in card and "protected" in card


def test_rsd_lists_the_editing_apis(client):
    response = client.get("/xmlrpc.php", {"rsd": ""})
    assert response["Content-Type"].startswith("application/rsd+xml")
    ns = {"rsd": "http://archipelago.phrasewise.com/rsd"}
    apis = ET.fromstring(response.content).findall(".//rsd:api", ns)
    assert {api.get("name") for api in apis} >= {"WordPress", "MetaWeblog", "WP-API"}
    assert client.get("/xmlrpc.php").status_code == 405  # without ?rsd: the endpoint's answer


def test_pages_advertise_the_apis_and_posts_their_oembed(client):
    post = PostFactory()
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<link rel="https://api.w.org/" href="/wp-json/">' in html
    assert (
        '<link rel="EditURI" type="application/rsd+xml" title="RSD" href="/xmlrpc.php?rsd">' in html
    )
    url = f"http://testserver{post.get_absolute_url()}"
    found = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert client.get(found.group(1).replace("&amp;", "&")).json()["title"] == post.title
    assert url.replace(":", "%3A").replace("/", "%2F") in found.group(1)


def test_another_sites_post_alone_on_its_line_becomes_a_card(
    client, settings, django_capture_on_commit_callbacks
):
    from tests.loopback import Site

    settings.INKWELL_OEMBED_DISCOVERY = True
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    remote = Site()
    try:
        remote.page(
            "/2026/03/01/gulls/",
            '<html><head><title>Gulls</title><link rel="alternate" '
            'type="application/json+oembed" href="/oembed?url=gulls"></head></html>',
        )
        remote.page(
            "/oembed?url=gulls",
            '{"version": "1.0", "type": "rich", "title": "Gulls <b>of</b> the bay", '
            '"author_name": "Bea", "provider_name": "Harbour Log", "html": "<script>x()</script>"}',
            content_type="application/json",
        )
        url = remote.url + "/2026/03/01/gulls/"
        post = PostFactory(body=f"<p>Worth a read:</p>\n\n{url}\n\n<p>More soon.</p>")
        with django_capture_on_commit_callbacks(execute=True):  # the worker, here at once
            client.get(post.get_absolute_url())  # a plain link; the embed is asked for
        html = client.get(post.get_absolute_url()).content.decode()
        card = re.search(r'<blockquote class="wp-embedded-content">.*?</blockquote>', html, re.S)
        assert card and f'href="{url}"' in card.group(0)
        assert "Gulls &lt;b&gt;of&lt;/b&gt; the bay" in card.group(0)
        assert "Bea — Harbour Log" in card.group(0)
        assert "<script>x()" not in html  # only text from the other site, never its HTML
    finally:
        remote.close()


def test_a_link_with_no_oembed_stays_a_link_and_nothing_is_fetched_when_off(client):
    post = PostFactory(body="[embed]https://video.example/watch/1[/embed]")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<a href="https://video.example/watch/1">https://video.example/watch/1</a>' in html
