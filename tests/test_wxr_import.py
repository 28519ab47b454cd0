# ruff: noqa: E501  (the WXR fixtures below are XML, kept as WordPress writes it)
"""Moving from WordPress: the theme unit test export imported whole, links kept, re-runs and
round trips lossless, bad files refused with a reason and nothing written."""

import io
import re
from urllib.parse import unquote, urlsplit

import django_comments
import pytest
from django.core.management import CommandError, call_command

from blog.models import Category, Media, Post, PostViews, Tag
from tests.factories import PostFactory, UserFactory
from tests.shared_data import shared_file
from wordpress import wxr
from wordpress.exporter import Exporter
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db

THEME_DATA = shared_file("wordpress-theme-unit-test.xml")


def run_import(source=THEME_DATA, **options):
    if isinstance(source, str):
        source = io.BytesIO(source.encode())
    return Importer(**options).run(source)


def comments():
    return django_comments.get_model().objects


@pytest.fixture
def imported(db):
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    return run_import(old_permalinks="/%postname%/")


def test_theme_unit_test_posts_and_pages_with_their_statuses(imported):
    posts, pages = Post.objects.posts(), Post.objects.pages()
    assert posts.count() == 58 and pages.count() == 21
    assert posts.filter(status="publish").count() == 56
    assert posts.filter(status="future").count() == 1
    assert posts.filter(status="draft").count() == 1
    assert pages.filter(status="publish").count() == 21
    assert Media.objects.count() == 37
    counts = imported.as_dict()["counts"]
    assert counts["posts"]["created"] == 58 and counts["comments"]["created"] == 33


def test_the_ten_level_comment_thread_is_kept(imported, client):
    post = Post.objects.get(title="Template: Comments")
    thread = comments().for_model(post)
    assert thread.count() == 20
    assert max(thread.values_list("level", flat=True)) == 9  # ten levels: 0 … 9
    deepest = thread.get(level=9)
    chain = [deepest]
    while chain[-1].parent_id != chain[-1].pk:
        chain.append(thread.get(pk=chain[-1].parent_id))
    assert len(chain) == 10
    html = client.get(post.get_absolute_url()).content.decode()
    assert "depth-5" in html and "depth-6" not in html  # shown flattened at the depth setting
    assert f'id="comment-{deepest.pk}"' in html


def test_pingbacks_trackbacks_password_sticky_and_edge_cases(imported, client):
    kinds = comments().values_list("kind", flat=True)
    assert list(kinds).count("pingback") == 2 and list(kinds).count("trackback") == 2
    protected = Post.objects.get(title__startswith="Template: Password Protected")
    assert protected.password == "enter"
    assert Post.objects.get(title="Template: Sticky").is_sticky
    untitled = Post.objects.get(slug="edge-case-no-title")
    assert "(no title)" in client.get(untitled.get_absolute_url()).content.decode()
    many = Post.objects.get(title="Edge Case: Many Categories")
    assert many.categories.count() >= 60
    assert Category.objects.get(slug="child-category-01").parent.slug == "parent-category"
    assert Post.objects.get(title="Level 3").get_absolute_url() == "/level-1/level-2/level-3/"
    greek = Post.objects.get(title="Επίπεδο 3")
    assert greek.slug == "επίπεδο-3"
    featured = Post.objects.get(title="Template: Featured Image (Horizontal)")
    assert featured.featured_image is not None and featured.featured_image.remote_url


def test_every_published_old_url_answers_or_redirects(imported, client):
    for event, item in wxr.read(THEME_DATA):
        if event != "item" or item.post_type not in ("post", "page"):
            continue
        if item.status != "publish":
            continue
        entry = Post.objects.get(wp_id=item.wp_id)
        path = re.sub("/{2,}", "/", urlsplit(item.link).path) or "/"
        response = client.get(path)
        if response.status_code == 301:
            response = client.get(response["Location"])
        assert response.status_code == 200, (item.link, response.status_code)
        assert response.wsgi_request.path == unquote(entry.get_absolute_url())
        shortlink = client.get(f"/?{'page_id' if item.post_type == 'page' else 'p'}={item.wp_id}")
        assert shortlink.status_code == 301
        assert shortlink["Location"] == entry.get_absolute_url()


def test_encoded_and_unicode_urls_both_work(imported, client):
    greek = Post.objects.get(title="Επίπεδο 3")
    assert client.get(greek.get_absolute_url()).status_code == 200
    encoded = (
        "/greek/%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2/%ce%b5%cf%80%ce%af%cf%80%ce%b5"
        "%ce%b4%ce%bf-3/"
    )
    assert client.get(encoded).status_code == 200


def test_old_ids_win_even_when_the_site_already_had_posts(db, client):
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    mine = PostFactory(id=24, title="Mine, with the number of an old post")
    run_import()
    imported = Post.objects.get(wp_id=24)
    assert client.get("/?p=24")["Location"] == imported.get_absolute_url()
    assert mine.get_shortlink() == mine.get_absolute_url()  # no clash with the old link
    assert client.get(mine.get_absolute_url()).status_code == 200
    attachment = Media.objects.exclude(wp_id=None).first()
    assert client.get(f"/?attachment_id={attachment.wp_id}")["Location"] == attachment.url


def test_reimport_updates_in_place_and_never_duplicates(imported):
    before = (
        Post.objects.count(),
        comments().count(),
        Media.objects.count(),
        Category.objects.count(),
        Tag.objects.count(),
    )
    again = run_import()
    after = (
        Post.objects.count(),
        comments().count(),
        Media.objects.count(),
        Category.objects.count(),
        Tag.objects.count(),
    )
    assert after == before
    counts = again.as_dict()["counts"]
    assert counts["posts"].get("created", 0) == 0 and counts["posts"]["updated"] == 58
    assert counts["comments"].get("created", 0) == 0


def snapshot():
    def entry(p):
        return (
            p.wp_id,
            p.post_type,
            p.title,
            p.slug,
            p.status,
            p.published_at.date(),
            p.password,
            p.is_sticky,
            p.parent.wp_id if p.parent else None,
            p.menu_order,
            p.comment_status,
            p.ping_status,
            p.body.strip(),
            p.excerpt.strip(),
            tuple(sorted(p.categories.values_list("slug", flat=True))),
            tuple(sorted(p.tags.values_list("slug", flat=True))),
        )

    def comment(c):
        parent = comments().filter(pk=c.parent_id).values_list("wp_id", flat=True).first()
        return (
            c.wp_id,
            c.user_name,
            c.user_email,
            c.comment.strip(),
            c.state,
            c.kind,
            None if c.parent_id == c.pk else parent,
            c.level,
        )

    return (
        sorted(entry(p) for p in Post.objects.select_related("parent")),
        sorted(comment(c) for c in comments().all()),
        sorted(Category.objects.values_list("slug", "name")),
        sorted(Tag.objects.values_list("slug", "name")),
        sorted(Media.objects.values_list("wp_id", "title")),
    )


def test_import_export_import_round_trip_is_lossless(imported):
    first = snapshot()
    out = io.StringIO()
    Exporter("https://example.org").write(out)
    for model in (Post, Media, Category, Tag):
        model.objects.all().delete()
    comments().all().delete()
    run_import(out.getvalue())
    assert snapshot() == first


def test_views_meta_becomes_the_view_count(db):
    UserFactory(username="admin", is_superuser=True)
    run_import(WXR_11)
    assert PostViews.objects.get(post__wp_id=501).count == 1234


WXR_11 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.1/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.1/">
<channel><title>Old blog</title><link>http://old.example</link>
<wp:wxr_version>1.1</wp:wxr_version>
<wp:author><wp:author_login>ines</wp:author_login><wp:author_email>i@example.com</wp:author_email>
<wp:author_display_name><![CDATA[Inès Varga]]></wp:author_display_name></wp:author>
<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>notes</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Notes]]></wp:cat_name></wp:category>
<item><title>Kanji slug</title><link>http://old.example/2011/05/04/kanji/</link>
<dc:creator>ines</dc:creator><content:encoded><![CDATA[First part.<!--more-->Rest.]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>501</wp:post_id>
<wp:post_date>2011-05-04 23:30:00</wp:post_date><wp:post_date_gmt>2011-05-05 04:30:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:ping_status>closed</wp:ping_status>
<wp:post_name>%e6%bc%a2%e5%ad%97</wp:post_name><wp:status>publish</wp:status>
<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order><wp:post_type>post</wp:post_type>
<wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>
<category domain="category" nicename="notes"><![CDATA[Notes]]></category>
<wp:postmeta><wp:meta_key>views</wp:meta_key><wp:meta_value>1234</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>9</wp:comment_id><wp:comment_author><![CDATA[Reader]]></wp:comment_author>
<wp:comment_author_email>r@example.com</wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>
<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP><wp:comment_date>2011-05-05 08:00:00</wp:comment_date>
<wp:comment_date_gmt>2011-05-05 13:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Nice.]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type></wp:comment_type>
<wp:comment_parent>0</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
<wp:comment><wp:comment_id>10</wp:comment_id><wp:comment_author><![CDATA[Orphan]]></wp:comment_author>
<wp:comment_author_email></wp:comment_author_email><wp:comment_author_url></wp:comment_author_url>
<wp:comment_author_IP></wp:comment_author_IP><wp:comment_date>2011-05-06 08:00:00</wp:comment_date>
<wp:comment_date_gmt>2011-05-06 13:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Lost parent.]]></wp:comment_content>
<wp:comment_approved>spam</wp:comment_approved><wp:comment_type></wp:comment_type>
<wp:comment_parent>77</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>
</item>
<item><title>Auto draft</title><wp:post_id>502</wp:post_id><wp:status>auto-draft</wp:status>
<wp:post_type>post</wp:post_type></item>
<item><title>Menu</title><wp:post_id>503</wp:post_id><wp:status>publish</wp:status>
<wp:post_type>nav_menu_item</wp:post_type></item>
<item><title>Same ID again</title><wp:post_id>501</wp:post_id><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type><wp:post_date>2011-06-01 10:00:00</wp:post_date></item>
<item><title>Nobody wrote this</title><wp:post_id>504</wp:post_id><wp:status>draft</wp:status>
<wp:post_type>post</wp:post_type><wp:post_date>0000-00-00 00:00:00</wp:post_date>
<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt></item>
</channel></rss>
"""

WXR_10 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.0/">
<channel><title>Very old blog</title><wp:wxr_version>1.0</wp:wxr_version>
<wp:category><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent>
<wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
<item><title>From 2008</title><dc:creator><![CDATA[olduser]]></dc:creator>
<category><![CDATA[News]]></category>
<content:encoded><![CDATA[Hello from WXR 1.0.]]></content:encoded>
<wp:post_id>7</wp:post_id><wp:post_date>2008-02-03 10:00:00</wp:post_date>
<wp:post_date_gmt>2008-02-03 10:00:00</wp:post_date_gmt><wp:comment_status>closed</wp:comment_status>
<wp:ping_status>closed</wp:ping_status><wp:post_name>from-2008</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>
<wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def test_wxr_11_fixture_with_edge_cases(db, client):
    UserFactory(username="admin", is_superuser=True)
    summary = run_import(WXR_11)
    post = Post.objects.get(wp_id=501)
    assert post.slug == "漢字" and post.author.username == "ines"
    assert post.author.get_full_name() == "Inès Varga" and not post.author.has_usable_password()
    assert post.get_absolute_url().startswith("/2011/05/04/")  # the local date, not GMT's
    assert client.get("/2011/05/04/%E6%BC%A2%E5%AD%97/").status_code == 200
    orphan = comments().get(wp_id=10)
    assert (orphan.state, orphan.parent_id) == ("spam", orphan.pk)
    skipped = "\n".join(summary.skipped)
    assert "duplicate wp:post_id" in skipped and "auto-draft" in skipped
    assert "parent 77 is missing" in skipped
    assert not Post.objects.filter(title="Menu").exists()
    nobody = Post.objects.get(wp_id=504)
    assert nobody.author.username == "admin" and nobody.status == "draft"
    assert "no author; given to admin" in skipped


def test_wxr_10_takes_authors_from_dc_creator(db):
    run_import(WXR_10)
    post = Post.objects.get(wp_id=7)
    assert post.author.username == "olduser"
    assert list(post.categories.values_list("name", flat=True)) == ["News"]


def test_default_author_option(db):
    UserFactory(username="keeper")
    run_import(WXR_11.replace("<dc:creator>ines</dc:creator>", ""), default_author="keeper")
    assert Post.objects.get(wp_id=501).author.username == "keeper"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;'
    "</title></channel></rss>"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (WXR_11[: len(WXR_11) // 2], "not well-formed XML at line"),
        ("<html><body>Not an export</body></html>", "not a WordPress export"),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item>'
            "<title>x</title></item></channel></rss>",
            "not a WordPress export",
        ),
        (BILLION_LAUGHS, "forbidden XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            "<rss><channel>&x;</channel></rss>",
            "forbidden XML",
        ),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_written(db, tmp_path, content, message):
    UserFactory(username="admin", is_superuser=True)
    path = tmp_path / "export.xml"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_wxr", str(path))
    assert not Post.objects.exists() and not Category.objects.exists()


def test_wrong_encoding_is_refused(db, tmp_path):
    path = tmp_path / "latin.xml"
    path.write_bytes(WXR_11.replace("Inès", "In\u00e8s").encode("latin-1"))
    with pytest.raises(CommandError, match="encoding"):
        call_command("import_wxr", str(path))
    assert not Post.objects.exists()


def test_a_failure_half_way_writes_nothing(db, tmp_path):
    UserFactory(username="admin", is_superuser=True)
    path = tmp_path / "cut.xml"
    good_part = WXR_11.split("<item><title>Auto draft")[0]
    path.write_text(good_part + "<item><title>Broken</title><wp:post_id>")
    with pytest.raises(CommandError):
        call_command("import_wxr", str(path))
    assert not Post.objects.exists() and not comments().exists()


def test_dry_run_reports_and_writes_nothing(db, tmp_path, capsys):
    UserFactory(username="admin", is_superuser=True)
    path = tmp_path / "export.xml"
    path.write_text(WXR_11)
    call_command("import_wxr", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert re.search(r"posts\s+2\s+0\s+2", out)
    assert "Dry run: nothing was written." in out
    assert not Post.objects.exists()


def test_media_dir_copies_attachment_files(db, tmp_path, settings):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    uploads = tmp_path / "uploads" / "2011" / "07"
    uploads.mkdir(parents=True)
    Image.new("RGB", (800, 600), (10, 20, 30)).save(uploads / "dock.jpg")
    export = WXR_10.replace(
        "</channel>",
        """<item><title>dock</title><wp:post_id>8</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:post_parent>7</wp:post_parent>
<wp:attachment_url>http://old.example/wp-content/uploads/2011/07/dock.jpg</wp:attachment_url>
</item></channel>""",
    )
    run_import(export, media_dir=tmp_path / "uploads")
    item = Media.objects.get(wp_id=8)
    assert item.file and not item.remote_url and "medium" in item.sizes
    assert item.parent == Post.objects.get(wp_id=7)


def test_shortcodes_galleries_and_blocks_render(db, client):
    from blog.content import render_post_body

    html = render_post_body(
        "<!-- wp:paragraph -->\n<p>Block text.</p>\n<!-- /wp:paragraph -->\n"
        "<!-- wp:latest-posts /-->"
    )
    assert html.strip() == "<p>Block text.</p>"
    Media.objects.create(
        wp_id=31, title="a", remote_url="http://x.example/a.jpg", mime_type="image/jpeg"
    )
    gallery = render_post_body('[gallery ids="31"]')
    assert 'class="gallery gallery-columns-3"' in gallery and "http://x.example/a.jpg" in gallery


def test_admin_import_page_runs_the_import_as_a_task(
    admin_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.INKWELL_PRIVATE_DIR = tmp_path / "private"
    upload = io.BytesIO(WXR_11.encode())
    upload.name = "old-blog.xml"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/blog/importjob/add/", {"file": upload})
    assert response.status_code == 302
    from blog.models import ImportJob

    job = ImportJob.objects.get()
    assert job.state == "done", job.error
    assert job.summary["counts"]["posts"]["created"] == 2
    page = admin_client.get(f"/admin/blog/importjob/{job.pk}/change/").content.decode()
    assert "5 of 5 items" in page and "created" in page and "duplicate wp:post_id" in page
    assert Post.objects.filter(wp_id=501).exists()
    menu = admin_client.get("/admin/").content.decode()
    assert '<a href="/admin/blog/importjob/">Import</a>' in menu  # Tools → Import


def test_admin_import_refuses_a_file_that_is_not_an_export(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.INKWELL_PRIVATE_DIR = tmp_path / "private"
    upload = io.BytesIO(b"PK\x03\x04 a zip file")
    upload.name = "backup.zip"
    response = admin_client.post("/admin/blog/importjob/add/", {"file": upload})
    assert "does not look like a WordPress export" in response.content.decode()


def test_admin_import_of_a_broken_file_fails_with_the_reason(
    admin_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.INKWELL_PRIVATE_DIR = tmp_path / "private"
    upload = io.BytesIO(WXR_11[:900].encode())
    upload.name = "cut.xml"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/admin/blog/importjob/add/", {"file": upload})
    from blog.models import ImportJob

    job = ImportJob.objects.get()
    assert job.state == "failed" and "not well-formed XML at line" in job.error
    assert not Post.objects.exists()


def export_with_attachment(url):
    return WXR_10.replace(
        "</channel>",
        f"""<item><title>harbour</title><wp:post_id>8</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:post_parent>7</wp:post_parent><wp:attachment_url>{url}</wp:attachment_url></item></channel>""",
    )


def test_attachments_stay_remote_unless_downloading_is_asked(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.INKWELL_PRIVATE_DIR = tmp_path / "private"
    from tests.loopback import Site

    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    site = Site()
    try:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), (5, 60, 90)).save(buffer, "JPEG")
        site.page(
            "/wp-content/uploads/2012/01/harbour.jpg", buffer.getvalue(), content_type="image/jpeg"
        )
        url = site.url + "/wp-content/uploads/2012/01/harbour.jpg"
        run_import(export_with_attachment(url))
        assert Media.objects.get(wp_id=8).remote_url == url and site.requests == []
        Media.objects.all().delete()
        run_import(export_with_attachment(url), download_media=True)
        item = Media.objects.get(wp_id=8)
        assert item.file and not item.remote_url and item.width == 640 and "medium" in item.sizes
    finally:
        site.close()


def test_downloads_go_only_through_the_safe_fetcher(db, settings, monkeypatch):
    import socket

    from comments.pings import fetch

    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["10.0.0.9"])
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: pytest.fail("no connection may be attempted")
    )
    url = "http://intranet.example/wp-content/uploads/secret.jpg"
    summary = run_import(export_with_attachment(url), download_media=True)
    assert Media.objects.get(wp_id=8).remote_url == url
    assert any("not downloaded (refused address 10.0.0.9)" in line for line in summary.skipped)


@pytest.mark.parametrize(
    "name, mime_type",
    [
        ("harbour.JPG?ver=2", "image/jpeg"),
        ("harbour.webp", "image/webp"),
        ("talk.m4a", "audio/mp4"),
        ("walk.mp4", "video/mp4"),
        ("notes.inkwell-unknown", "application/octet-stream"),
    ],
)
def test_remote_attachments_are_typed_by_their_name(db, name, mime_type):
    run_import(export_with_attachment(f"https://old.example/wp-content/uploads/{name}"))
    assert Media.objects.get(wp_id=8).mime_type == mime_type
