"""Statuses as WordPress has them: who sees a draft, a private post, a protected one, the trash."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from blog.models import Post, Status
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewers(client, django_user_model):
    from django.test import Client

    reader, editor = Client(), Client()
    reader.force_login(UserFactory(username="plainreader"))
    editor.force_login(user_with_role("Editor"))
    return {"anonymous": client, "reader": reader, "editor": editor}


@pytest.mark.parametrize(
    ("status", "anonymous", "reader", "editor"),
    [
        (Status.PUBLISH, 200, 200, 200),
        (Status.DRAFT, 404, 404, 200),
        (Status.PENDING, 404, 404, 200),
        (Status.PRIVATE, 404, 404, 200),
        (Status.TRASH, 404, 404, 200),
    ],
)
def test_who_sees_each_status(viewers, status, anonymous, reader, editor):
    post = PostFactory(status=status)
    seen = {who: c.get(post.get_absolute_url()).status_code for who, c in viewers.items()}
    assert seen == {"anonymous": anonymous, "reader": reader, "editor": editor}


def test_scheduled_post_is_hidden_until_due_and_needs_no_job(viewers):
    post = PostFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert post.status == Status.FUTURE
    assert viewers["anonymous"].get(post.get_absolute_url()).status_code == 404
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now())
    assert viewers["anonymous"].get(post.get_absolute_url()).status_code == 200


def test_private_posts_carry_the_prefix_and_show_in_lists_only_to_editors(viewers):
    post = PostFactory(title="Board notes", status=Status.PRIVATE)
    html = viewers["editor"].get(post.get_absolute_url()).content.decode()
    assert '<h1 class="entry-title">Private: Board notes</h1>' in html
    assert "Private: Board notes" in viewers["editor"].get("/").content.decode()
    assert "Board notes" not in viewers["reader"].get("/").content.decode()


def test_password_protected_post_flow(client):
    post = PostFactory(
        title="Members news",
        password="tide42",
        body="<p>Secret plans.</p>",
        excerpt="Secret excerpt",
    )
    CommentFactory(content_object=post, comment="Secret comment")
    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert "Protected: Members news" in html
    assert (
        "This content is password protected. To view it please enter your password below:" in html
    )
    assert "Secret plans." not in html and "Secret comment" not in html
    assert "no-cache" in response["Cache-Control"]

    wrong = client.post("/postpass/", {"post_password": "nope", "next": post.get_absolute_url()})
    assert wrong["Location"] == post.get_absolute_url()
    assert "Secret plans." not in client.get(post.get_absolute_url()).content.decode()
    client.post("/postpass/", {"post_password": "tide42", "next": post.get_absolute_url()})
    unlocked = client.get(post.get_absolute_url()).content.decode()
    assert "Secret plans." in unlocked and "Secret comment" in unlocked


def test_protected_post_is_listed_with_a_notice_and_kept_out_of_feeds(client):
    PostFactory(
        title="Members news", password="x", excerpt="Secret excerpt", body="<p>Secret body.</p>"
    )
    home = client.get("/").content.decode()
    assert "Protected: Members news" in home
    assert "There is no excerpt because this is a protected post." in home
    assert "Secret" not in home
    assert b"Members news" not in client.get("/feed/").content


def test_postpass_never_redirects_off_site(client):
    response = client.post("/postpass/", {"post_password": "x", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_trash_is_hidden_restorable_and_emptied_after_30_days(admin_client, client):
    post = PostFactory(title="Old idea")
    admin_client.post(
        "/admin/blog/post/", {"action": "move_to_trash", "_selected_action": [post.pk]}
    )
    post.refresh_from_db()
    assert post.status == Status.TRASH and post.trashed_at
    assert client.get(post.get_absolute_url()).status_code == 404
    listing = admin_client.get("/admin/blog/post/").content.decode()
    assert "Old idea" not in listing
    assert "Old idea" in admin_client.get("/admin/blog/post/?status__exact=trash").content.decode()
    admin_client.post(
        "/admin/blog/post/?status__exact=trash",
        {"action": "restore", "_selected_action": [post.pk]},
    )
    post.refresh_from_db()
    assert post.status == Status.DRAFT and post.trashed_at is None

    fresh = PostFactory(status=Status.TRASH)
    stale = PostFactory(status=Status.TRASH)
    Post.objects.filter(pk=stale.pk).update(trashed_at=timezone.now() - datetime.timedelta(days=31))
    call_command("empty_trash")
    assert Post.objects.filter(pk=fresh.pk).exists()
    assert not Post.objects.filter(pk=stale.pk).exists()


def test_page_hierarchy_urls(client):
    about = PostFactory(post_type="page", title="About", slug="about")
    team = PostFactory(post_type="page", title="Team", slug="team", parent=about)
    assert team.get_absolute_url() == "/about/team/"
    assert "Team" in client.get("/about/team/").content.decode()
    assert client.get("/team/").status_code == 404
    assert client.get("/about/nobody/").status_code == 404
    response = client.get(f"/?page_id={team.pk}")
    assert response.status_code == 301 and response["Location"] == "/about/team/"
    assert "About" not in client.get("/").content.decode()  # pages are not in the blog stream


def test_pages_share_slugs_only_across_parents():
    first = PostFactory(post_type="page", title="Contact")
    again = PostFactory(post_type="page", title="Contact")
    parent = PostFactory(post_type="page", title="Shop")
    child = PostFactory(post_type="page", title="Contact", parent=parent)
    assert (first.slug, again.slug, child.slug) == ("contact", "contact-2", "contact")


def test_page_template_hierarchy(client, tmp_path, settings):
    theme = tmp_path / "themes" / "custom"
    theme.mkdir(parents=True)
    (theme / "page-about.html").write_text("about template")
    (theme / "page.html").write_text("page template")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    from blog.models import SiteOptions

    options = SiteOptions.get()
    options.theme = "custom"
    options.save()
    PostFactory(post_type="page", slug="about", title="About")
    PostFactory(post_type="page", slug="other", title="Other")
    assert client.get("/about/").content == b"about template"
    assert client.get("/other/").content == b"page template"


def test_static_front_page_and_posts_page(client):
    from blog.models import SiteOptions

    front = PostFactory(
        post_type="page", title="Welcome", slug="welcome", body="<p>Front text.</p>"
    )
    blog = PostFactory(post_type="page", title="Blog", slug="blog")
    for n in range(12):
        PostFactory(title=f"Story {n}")
    options = SiteOptions.get()
    options.show_on_front, options.page_on_front, options.page_for_posts = "page", front, blog
    options.save()
    assert "Front text." in client.get("/").content.decode()
    listing = client.get("/blog/").content.decode()
    assert "Story 11" in listing and "Story 1<" not in listing
    assert "Story 0" in client.get("/blog/page/2/").content.decode()
