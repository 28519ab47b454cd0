"""A published entry whose slug, date or parent changes keeps answering at its old address
(WordPress's _wp_old_slug), imported former slugs too; the 404 handler finds them by index,
never by scanning text."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import OldSlug, Post, PostType, Status
from tests.admin_forms import admin_form
from tests.factories import PostFactory, UserFactory
from tests.test_wxr_import import WXR_11
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db


def redirect_of(client, path):
    response = client.get(path)
    assert response.status_code == 301, (path, response.status_code)
    return response["Location"]


def test_a_renamed_post_answers_at_its_old_address(admin_client):
    post = PostFactory(title="Harbour", slug="harbour")
    old = post.get_absolute_url()
    url = f"/admin/blog/post/{post.pk}/change/"
    response = admin_client.post(url, admin_form(admin_client, url, "post_form", slug="quay"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.slug == "quay"
    assert redirect_of(admin_client, old) == post.get_absolute_url()


def test_a_redated_post_answers_at_its_old_address(client):
    post = PostFactory(slug="tides", published_at=timezone.now() - datetime.timedelta(days=40))
    old = post.get_absolute_url()
    post.published_at = timezone.now() - datetime.timedelta(days=3)
    post.save()
    assert old != post.get_absolute_url()
    assert redirect_of(client, old) == post.get_absolute_url()


def test_a_moved_page_answers_at_its_old_address(client):
    parent = PostFactory(post_type=PostType.PAGE, slug="about")
    page = PostFactory(post_type=PostType.PAGE, slug="team", parent=parent)
    Post.objects.get(pk=page.pk).save()  # loaded and saved unchanged: no old address
    assert not OldSlug.objects.exists()
    page = Post.objects.get(pk=page.pk)
    page.slug, page.parent = "people", None
    page.save()
    assert redirect_of(client, "/about/team/") == "/people/"


def test_drafts_leave_no_old_address():
    post = PostFactory(status=Status.DRAFT, slug="first-try")
    post.slug = "second-try"
    post.save()
    assert not OldSlug.objects.exists()


def test_imported_former_slugs_redirect_under_both_structures(client):
    UserFactory(username="admin", is_superuser=True)
    Importer(old_permalinks="/%postname%/").run(
        io.BytesIO(
            WXR_11.replace(
                "<wp:postmeta><wp:meta_key>views",
                "<wp:postmeta><wp:meta_key>_wp_old_slug</wp:meta_key>"
                "<wp:meta_value>old-kanji</wp:meta_value></wp:postmeta>"
                "<wp:postmeta><wp:meta_key>views",
            ).encode()
        )
    )
    post = Post.objects.get(wp_id=501)
    assert list(post.old_addresses.values_list("slug", "path")) == [("old-kanji", "")]
    assert redirect_of(client, "/old-kanji/") == post.get_absolute_url()
    assert redirect_of(client, "/2011/05/04/old-kanji/") == post.get_absolute_url()


def test_a_missing_page_is_found_missing_without_scanning_text(client):
    post = PostFactory(slug="harbour")
    post.slug = "quay"
    post.save()
    day = timezone.localdate(post.published_at)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/{day:%Y/%m/%d}/nowhere/").status_code == 404
        assert client.get(f"/{day:%Y/%m/%d}/harbour/").status_code == 301
    scans = [q["sql"] for q in queries if " LIKE " in q["sql"].upper()]
    assert scans == []


@pytest.mark.django_db(transaction=True)
def test_former_slugs_kept_in_text_before_are_moved_into_rows(client):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("blog", "0011_private_imports")]
    after = executor.loader.graph.leaf_nodes()  # every later migration too: the suite goes on
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    author = old.get_model("auth", "User").objects.create(username="keeper")
    entry = old.get_model("blog", "Post").objects.create(
        author_id=author.pk,
        title="Kept",
        slug="kept",
        status="publish",
        published_at=timezone.now() - datetime.timedelta(days=1),
        old_slugs="/first/second/",
        comment_status="open",  # the defaults read today's options, a later schema
        ping_status="open",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    assert sorted(OldSlug.objects.filter(entry_id=entry.pk).values_list("slug", flat=True)) == [
        "first",
        "second",
    ]
    post = Post.objects.get(pk=entry.pk)
    assert redirect_of(client, _own_path(post, "first")) == post.get_absolute_url()


def _own_path(post, slug):
    day = timezone.localdate(post.published_at)
    return f"/{day:%Y/%m/%d}/{slug}/"
