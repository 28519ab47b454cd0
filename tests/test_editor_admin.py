"""The editor's admin: roles enforced on direct requests, revisions, lists, settings, stats."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from blog.models import Post, SiteOptions, Status, Tag
from blog.stats import daily
from tests.admin_forms import admin_form
from tests.factories import CategoryFactory, PostFactory
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

ADD = "/admin/blog/post/add/"


def client_for(role, username=None):
    user = user_with_role(role, username)
    client = Client()
    client.force_login(user)
    return client, user


def change_url(post):
    return f"/admin/blog/post/{post.pk}/change/"


def write(client, url=ADD, **changes):
    data = admin_form(client, url, "post_form", **changes)
    return client.post(url, data)


def test_contributor_writes_drafts_and_submits_for_review_but_cannot_publish():
    client, user = client_for("Contributor")
    response = write(client, title="My first piece", body="<p>Hello.</p>", status="publish")
    assert response.status_code == 200  # the form again, with the reason
    assert "Select a valid choice. publish is not one of the available choices." in (
        response.content.decode()
    )
    assert not Post.objects.exists()
    write(client, title="My first piece", body="<p>Hello.</p>", status="pending")
    post = Post.objects.get()
    assert (post.status, post.author) == (Status.PENDING, user)


def assert_answered_as_missing(response):
    """Another writer's entry answers as an ID that does not exist: back to the dashboard with
    Django's "doesn't exist" note, revealing nothing."""
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_contributor_cannot_edit_published_or_others_posts_by_direct_request():
    client, user = client_for("Contributor")
    own_published = PostFactory(author=user, title="Already out")
    others = PostFactory(title="Not mine", status="draft")
    form = client.get(change_url(own_published)).content.decode()
    assert 'name="title"' not in form  # shown read-only
    client.post(change_url(own_published), {"title": "Rewritten", "status": "draft"})
    own_published.refresh_from_db()
    assert (own_published.title, own_published.status) == ("Already out", "publish")
    assert_answered_as_missing(client.post(change_url(others), {"title": "Hijacked"}))
    client.post("/admin/blog/post/", {"action": "publish", "_selected_action": [others.pk]})
    others.refresh_from_db()
    assert (others.title, others.status) == ("Not mine", "draft")


def test_author_publishes_own_posts_only():
    client, user = client_for("Author")
    write(client, title="Author piece", body="<p>Text.</p>", status="publish")
    assert Post.objects.get(title="Author piece").status == Status.PUBLISH
    others = PostFactory(title="Editor piece", status="draft")
    assert_answered_as_missing(client.get(change_url(others)))
    assert "Editor piece" not in client.get("/admin/blog/post/").content.decode()
    client.post("/admin/blog/post/", {"action": "move_to_trash", "_selected_action": [others.pk]})
    others.refresh_from_db()
    assert others.status == "draft"
    assert client.get("/admin/blog/page/").status_code == 403


def test_author_cannot_post_as_someone_else():
    client, user = client_for("Author")
    other = user_with_role("Editor", "someone")
    data = admin_form(client, ADD, "post_form", title="Mine", body="<p>x</p>", status="draft")
    data["author"] = other.pk
    client.post(ADD, data)
    assert Post.objects.get(title="Mine").author == user


def test_editor_edits_everyone_and_moderates():
    client, _ = client_for("Editor")
    post = PostFactory(title="Someone's post")
    write(client, change_url(post), title="Edited by the editor")
    post.refresh_from_db()
    assert post.title == "Edited by the editor"
    assert client.get("/admin/comments/comment/").status_code == 200
    assert client.get("/admin/blog/siteoptions/1/change/").status_code == 403


def test_scripts_are_stripped_for_non_administrators_but_kept_for_administrators(admin_client):
    payload = '<p>Hi<script>alert(1)</script><img src="x.png" onerror="alert(2)"></p><!--more-->'
    client, _ = client_for("Editor")
    write(client, title="From editor", body=payload, status="draft")
    body = Post.objects.get(title="From editor").body
    assert "<script" not in body and "onerror" not in body and "<!--more-->" in body
    admin_client.force_login(user_with_role("Administrator", "boss"))
    write(admin_client, title="From admin", body=payload, status="draft")
    assert "<script>alert(1)</script>" in Post.objects.get(title="From admin").body


def test_empty_title_duplicate_slug_and_bad_date_are_handled(admin_client, client):
    write(admin_client, title="", slug="", body="<p>Untitled text.</p>", status="publish")
    post = Post.objects.get()
    assert "(no title)" in admin_client.get("/admin/blog/post/").content.decode()
    assert "(no title)" in client.get(post.get_absolute_url()).content.decode()
    write(admin_client, title="Twin", slug="twin", status="publish")
    write(admin_client, title="Twin", slug="twin", status="publish")
    assert sorted(Post.objects.filter(title="Twin").values_list("slug", flat=True)) == [
        "twin",
        "twin-2",
    ]
    response = write(admin_client, title="Bad date", published_at_0="2024-02-31")
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()


def test_new_tags_are_created_on_the_fly(admin_client):
    write(admin_client, title="Tagged", status="draft", new_tags="Tide tables, Ferries ,")
    assert set(Post.objects.get().tags.values_list("name", flat=True)) == {"Tide tables", "Ferries"}
    assert Tag.objects.count() == 2


def test_revisions_are_kept_compared_and_restored(admin_client):
    write(admin_client, title="Draft one", body="<p>First wording.</p>", status="draft")
    post = Post.objects.get()
    write(admin_client, change_url(post), body="<p>Second wording.</p>")
    versions = Version.objects.get_for_object(post)
    assert versions.count() == 2
    compare = admin_client.get(f"/admin/blog/post/{post.pk}/compare/").content.decode()
    assert "First&nbsp;wording." in compare and "Second&nbsp;wording." in compare
    oldest = versions.last()
    restore_url = f"/admin/blog/post/{post.pk}/history/{oldest.pk}/"
    data = admin_form(admin_client, restore_url, "post_form")
    assert admin_client.post(restore_url, data).status_code == 302
    post.refresh_from_db()
    assert "First wording." in post.body


def test_preview_shows_unsaved_changes_without_saving_or_counting(admin_client):
    post = PostFactory(title="Saved title", body="<p>Saved body.</p>")
    data = admin_form(
        admin_client,
        change_url(post),
        "post_form",
        title="Unsaved title",
        body="<p>Unsaved body.</p>",
    )
    response = admin_client.post(f"/admin/blog/post/{post.pk}/preview/", data)
    html = response.content.decode()
    assert "Unsaved title" in html and "Unsaved body." in html
    assert "no-store" in response["Cache-Control"]  # a preview is never kept by any cache
    post.refresh_from_db()
    assert post.title == "Saved title" and post.view_count.count == 0
    new = admin_form(
        admin_client,
        ADD,
        "post_form",
        title="Brand new",
        body="<p>Not yet.</p>",
        categories=[CategoryFactory(name="News").pk],
    )
    preview = admin_client.post("/admin/blog/post/preview/", new).content.decode()
    assert "Brand new" in preview and "News" in preview
    assert not Post.objects.filter(title="Brand new").exists()


def test_post_list_columns_filters_and_bulk_actions(admin_client):
    news = CategoryFactory(name="News", slug="news")
    post = PostFactory(
        title="Listed post",
        categories=[news],
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 5, 9)),
    )
    PostFactory(
        title="Other month", published_at=timezone.make_aware(datetime.datetime(2024, 4, 5, 9))
    )
    html = admin_client.get("/admin/blog/post/").content.decode()
    for column in (
        "Title",
        "Author",
        "Categories",
        "Tags",
        "Comments",
        "Views",
        "Date",
    ):
        assert f"{column}</a>" in html or f">{column}</span>" in html
    assert "Published<br>2024/03/05 at 9:00 am" in html  # WordPress's Date column
    filtered = admin_client.get("/admin/blog/post/?month=2024-03").content.decode()
    assert "Listed post" in filtered and "Other month" not in filtered
    assert (
        "Other month"
        not in admin_client.get(
            f"/admin/blog/post/?categories__id__exact={news.pk}"
        ).content.decode()
    )
    admin_client.post("/admin/blog/post/", {"action": "stick", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.is_sticky
    admin_client.post(
        "/admin/blog/post/", {"action": "move_to_draft", "_selected_action": [post.pk]}
    )
    post.refresh_from_db()
    assert post.status == "draft"


def test_admin_index_names_and_dashboard(admin_client):
    PostFactory(status="draft", title="Half written")
    html = admin_client.get("/admin/").content.decode()
    for name in ("Posts", "Pages", "Categories", "Tags", "Comments", "Media", "Settings"):
        assert f">{name}</a>" in html
    assert "At a Glance" in html and "Half written" in html
    assert "Most viewed, last 30 days" in html and "<svg" in html


def test_settings_general_reading_discussion(admin_client):
    url = "/admin/blog/siteoptions/1/change/"
    assert admin_client.get("/admin/blog/siteoptions/")["Location"] == url
    data = admin_form(
        admin_client,
        url,
        "siteoptions_form",
        title="Harbour Post",
        timezone="Europe/Paris",
        posts_per_page="5",
        thread_comments_depth="3",
    )
    assert admin_client.post(url, data).status_code == 302
    options = SiteOptions.get()
    assert (
        options.title,
        options.timezone,
        options.posts_per_page,
        options.thread_comments_depth,
    ) == ("Harbour Post", "Europe/Paris", 5, 3)
    data["timezone"] = "Mars/Olympus"
    response = admin_client.post(url, data)
    assert "Unknown time zone" in response.content.decode()


def test_site_time_zone_sets_the_permalink_date(client):
    options = SiteOptions.get()
    options.timezone = "Pacific/Auckland"
    options.save()
    post = PostFactory(published_at=datetime.datetime(2024, 3, 1, 20, 0, tzinfo=datetime.UTC))
    response = client.get("/2024/03/02/" + post.slug + "/")
    assert response.status_code == 200


def test_stats_chart_matches_the_counted_views(client, admin_client):
    post = PostFactory()
    for _ in range(7):
        client.get(post.get_absolute_url(), headers={"User-Agent": "Mozilla/5.0 Firefox"})
    daily.flush()
    assert daily.last_days(post)[-1] == (timezone.localdate(), 7)
    html = admin_client.get(change_url(post)).content.decode()
    assert 'data-total="7"' in html
    assert daily.most_viewed() == [(post, 7)]


@pytest.mark.parametrize(
    "source_url, error",
    [
        ("https://wire.example/story", None),
        ("ftp://wire.example/story.txt", "Enter a web address (http:// or https://)."),
        ("javascript:alert(1)", "Enter a valid URL."),
    ],
)
def test_a_source_link_must_be_a_web_address(admin_client, source_url, error):
    response = write(
        admin_client, title="Repost", body="<p>x</p>", status="draft", source_url=source_url
    )
    assert Post.objects.filter(title="Repost").exists() is (error is None)
    if error:
        assert response.status_code == 200 and error in response.content.decode()


def test_views_chart_says_the_total_beside_the_last_30_days(admin_client):
    from blog.stats.models import PostViewDay, PostViews

    post = PostFactory(published_at=timezone.now() - datetime.timedelta(days=400))
    PostViews.objects.update_or_create(post=post, defaults={"count": 1318})
    PostViewDay.objects.create(post=post, day=timezone.localdate(), count=29)
    html = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "1,318 views since it was published, 29 of them in the last 30 days." in html
