# ruff: noqa: E501  (the WXR fixture below is XML, kept as WordPress writes it)
"""A crafted WordPress export cannot run script on the site: post bodies are cleaned as for a
writer without "unfiltered HTML" unless the administrator trusts the file, and commenters'
websites and attachment addresses must be http(s), as the comment form demands."""

import io

import django_comments
import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from blog.models import ImportJob, Media, Post
from tests.factories import UserFactory
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db

BODY = '<p>Harbour notes.</p><script>alert("body")</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">more</a>'

HOSTILE = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>mallory</wp:author_login></wp:author>
<item><title>Harbour</title><dc:creator>mallory</dc:creator>
<content:encoded><![CDATA[{BODY}]]></content:encoded>
<excerpt:encoded><![CDATA[<span onmouseover="alert(4)">Short</span>]]></excerpt:encoded>
<wp:post_id>900</wp:post_id><wp:post_date>2012-03-04 10:00:00</wp:post_date>
<wp:comment_status>open</wp:comment_status><wp:post_name>harbour</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>91</wp:comment_id><wp:comment_author>Eve</wp:comment_author>
<wp:comment_author_url>javascript:alert(5)</wp:comment_author_url>
<wp:comment_date>2012-03-05 10:00:00</wp:comment_date>
<wp:comment_content><![CDATA[Hi<script>alert(6)</script><img src=x onerror=alert(7)>]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>92</wp:comment_id><wp:comment_author>Trudy</wp:comment_author>
<wp:comment_author_url> JaVaScRiPt:alert(8)</wp:comment_author_url>
<wp:comment_date>2012-03-05 11:00:00</wp:comment_date>
<wp:comment_content>Also here.</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>93</wp:comment_id><wp:comment_author>Mara</wp:comment_author>
<wp:comment_author_url>data:text/html,&lt;script&gt;alert(9)&lt;/script&gt;</wp:comment_author_url>
<wp:comment_date>2012-03-05 12:00:00</wp:comment_date>
<wp:comment_content>Data.</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>94</wp:comment_id><wp:comment_author>Olaf</wp:comment_author>
<wp:comment_author_url>https://olaf.example/</wp:comment_author_url>
<wp:comment_date>2012-03-05 13:00:00</wp:comment_date>
<wp:comment_content>Fine.</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>pic</title><wp:post_id>901</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:status>inherit</wp:status><wp:attachment_url>javascript:alert(10)//x.jpg</wp:attachment_url></item>
</channel></rss>
"""


def run_import(**options):
    return Importer(**options).run(io.BytesIO(HOSTILE.encode()))


def comments():
    return django_comments.get_model().objects


def assert_no_script(html):
    lowered = html.lower()
    for needle in ("<script>alert", "onerror", "onmouseover", "javascript:", "data:text/html"):
        assert needle not in lowered, needle


def test_imported_bodies_and_excerpts_are_cleaned_like_an_untrusted_writers(client):
    run_import()
    post = Post.objects.get(wp_id=900)
    assert "<p>Harbour notes.</p>" in post.body and '<img src="x.png">' in post.body
    assert_no_script(post.body)
    assert_no_script(post.excerpt)
    assert "Short" in post.excerpt
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert_no_script(page.content.decode())


def test_commenters_websites_must_be_http_addresses(client):
    summary = run_import()
    urls = dict(comments().values_list("wp_id", "user_url"))
    assert urls == {91: "", 92: "", 93: "", 94: "https://olaf.example/"}
    assert "comment 91: website 'javascript:alert(5)' is not an http(s) address" in "\n".join(
        summary.skipped
    )
    page = client.get(Post.objects.get(wp_id=900).get_absolute_url()).content.decode()
    assert_no_script(page)
    assert 'href="https://olaf.example/"' in page
    assert "Hi" in page and "Eve" in page


def test_attachments_at_other_schemes_are_skipped():
    summary = run_import()
    assert not Media.objects.filter(wp_id=901).exists()
    assert summary.counts["attachments"]["skipped"] == 1


def test_trust_html_keeps_the_bodies_as_written(tmp_path):
    path = tmp_path / "hostile.xml"
    path.write_text(HOSTILE)
    call_command("import_wxr", str(path), "--trust-html")
    assert Post.objects.get(wp_id=900).body == BODY
    assert comments().get(wp_id=91).user_url == ""  # trusting HTML trusts no address


@pytest.fixture
def upload(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INKWELL_PRIVATE_DIR = tmp_path / "private"

    def send(client, **fields):
        source = io.BytesIO(HOSTILE.encode())
        source.name = "hostile.xml"
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/admin/blog/importjob/add/", {"file": source, **fields})
        assert ImportJob.objects.get().state == "done"
        return Post.objects.get(wp_id=900).body

    return send


def test_the_admin_import_page_cleans_unless_the_administrator_trusts_the_file(
    admin_client, upload
):
    assert (
        "Trust the HTML in this file"
        in admin_client.get("/admin/blog/importjob/add/").content.decode()
    )
    assert_no_script(upload(admin_client))
    ImportJob.objects.all().delete()
    Post.objects.all().delete()
    assert upload(admin_client, trust_html="on") == BODY


def test_only_who_may_write_unfiltered_html_can_trust_a_file(client, upload):
    importer = UserFactory(username="importer", is_staff=True)
    importer.user_permissions.set(
        Permission.objects.filter(codename__in=["add_importjob", "view_importjob"])
    )
    client.force_login(importer)
    assert "Trust the HTML" not in client.get("/admin/blog/importjob/add/").content.decode()
    assert_no_script(upload(client, trust_html="on"))
