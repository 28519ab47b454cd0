"""Writing through WordPress's REST API: application passwords over HTTP Basic, the cookie +
nonce path, each role's rules (the admin's), trash and force, terms, comments and media."""

import base64
import io
import json

import pytest
from PIL import Image

from blog.models import Category, Media, Post, Status
from blog.roles import AUTHOR, CONTRIBUTOR, EDITOR
from comments.models import Comment
from tests.factories import PostFactory
from tests.roles import user_with_role
from wordpress.models import ApplicationPassword


def basic(user):
    _record, plain = ApplicationPassword.create_for(user, "Script")
    token = base64.b64encode(f"{user.username}:{plain}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def send(client, method, path, data=None, auth=None, **extra):
    return getattr(client, method)(
        f"/wp-json/wp/v2/{path}",
        json.dumps(data or {}),
        content_type="application/json",
        **(auth or {}),
        **extra,
    )


@pytest.fixture
def author(db):
    return user_with_role(AUTHOR)


@pytest.fixture
def contributor(db):
    return user_with_role(CONTRIBUTOR)


@pytest.fixture
def editor(db):
    return user_with_role(EDITOR)


def test_author_creates_updates_trashes_and_deletes_with_an_application_password(client, author):
    auth = basic(author)
    response = send(client, "post", "posts", {
        "title": "Ferry times", "content": "<p>Hourly.</p><img src=x onerror=alert(1)>",
        "status": "publish", "categories": [Category.objects.create(name="Boats", slug="boats").pk],
    }, auth)  # fmt: skip
    assert response.status_code == 201
    created = response.json()
    assert response["Location"].endswith(f"/wp-json/wp/v2/posts/{created['id']}")
    assert created["status"] == "publish" and created["title"]["raw"] == "Ferry times"
    post = Post.objects.get(pk=created["id"])
    assert post.author == author and "onerror" not in post.body
    updated = send(client, "post", f"posts/{post.pk}", {"title": "Ferry timetable"}, auth)
    assert updated.status_code == 200 and updated.json()["title"]["raw"] == "Ferry timetable"
    trashed = send(client, "delete", f"posts/{post.pk}", auth=auth)
    assert trashed.status_code == 200 and trashed.json()["status"] == "trash"
    again = send(client, "delete", f"posts/{post.pk}", auth=auth)
    assert again.status_code == 410 and again.json()["code"] == "rest_already_trashed"
    gone = client.delete(f"/wp-json/wp/v2/posts/{post.pk}?force=true", **auth)
    assert gone.json()["deleted"] is True and not Post.objects.filter(pk=post.pk).exists()


def test_bad_credentials_and_account_passwords_are_refused(client, author):
    token = base64.b64encode(b"author:pw-for-tests-only").decode()
    response = send(client, "post", "posts", {"title": "x"},
                    {"HTTP_AUTHORIZATION": f"Basic {token}"})  # fmt: skip
    assert response.status_code == 401
    assert response.json()["code"] == "incorrect_password"
    assert not Post.objects.exists()


def test_anonymous_writes_are_rest_cannot_create(client, db):
    response = send(client, "post", "posts", {"title": "Spam"})
    assert response.status_code == 401
    assert response.json()["code"] == "rest_cannot_create"


def test_cookie_writes_need_the_wp_rest_nonce(client, author):
    client.force_login(author)
    assert send(client, "post", "posts", {"title": "No nonce"}).status_code == 401
    bad = send(client, "post", "posts", {"title": "Bad"}, HTTP_X_WP_NONCE="0000000000")
    assert bad.status_code == 403 and bad.json()["code"] == "rest_cookie_invalid_nonce"
    nonce = client.get("/wp-admin/admin-ajax.php", {"action": "rest-nonce"}).content.decode()
    assert (
        send(client, "post", "posts", {"title": "Good"}, HTTP_X_WP_NONCE=nonce).status_code == 201
    )
    assert list(Post.objects.values_list("title", flat=True)) == ["Good"]


def test_contributor_rules_are_the_admins(client, contributor, author):
    auth = basic(contributor)
    refused = send(client, "post", "posts", {"title": "Out now", "status": "publish"}, auth)
    assert refused.status_code == 403 and refused.json()["code"] == "rest_cannot_publish"
    sticky = send(client, "post", "posts", {"title": "Pinned", "sticky": True}, auth)
    assert sticky.status_code == 403
    draft = send(client, "post", "posts", {"title": "Draft", "status": "pending"}, auth)
    assert draft.status_code == 201 and draft.json()["status"] == "pending"
    others = PostFactory(author=author)
    edit = send(client, "post", f"posts/{others.pk}", {"title": "Mine now"}, auth)
    assert edit.status_code == 403 and edit.json()["code"] == "rest_cannot_edit"
    listed = client.get("/wp-json/wp/v2/posts", {"status": "pending"}, **auth).json()
    assert [p["id"] for p in listed] == [draft.json()["id"]]
    assert client.get("/wp-json/wp/v2/posts", {"status": "pending"}).status_code == 400


def test_method_override_and_bad_bodies(client, author):
    auth = basic(author)
    post = PostFactory(author=author)
    response = client.post(f"/wp-json/wp/v2/posts/{post.pk}", HTTP_X_HTTP_METHOD_OVERRIDE="DELETE",
                           **auth)  # fmt: skip
    assert response.status_code == 200
    assert Post.objects.get(pk=post.pk).status == Status.TRASH
    broken = client.post("/wp-json/wp/v2/posts", "{nope", content_type="application/json", **auth)
    assert broken.status_code == 400 and broken.json()["code"] == "rest_invalid_json"
    for body in ({"title": ["x"]}, {"status": "live"}, {"categories": "a,b"}, {"sticky": "maybe"},
                 {"date": "yesterday"}, {"author": "me"}):  # fmt: skip
        response = send(client, "post", "posts", body, auth)
        assert response.status_code == 400, body
        assert response.json()["code"] == "rest_invalid_param"
    assert Post.objects.count() == 1


def test_terms_by_role(client, editor, contributor):
    created = send(client, "post", "categories", {"name": "Weather"}, basic(editor))
    assert created.status_code == 201 and created.json()["slug"] == "weather"
    refused = send(client, "post", "tags", {"name": "fog"}, basic(contributor))
    assert refused.status_code == 403 and refused.json()["code"] == "rest_cannot_create"
    pk = created.json()["id"]
    no_trash = send(client, "delete", f"categories/{pk}", auth=basic(editor))
    assert no_trash.status_code == 501
    deleted = client.delete(f"/wp-json/wp/v2/categories/{pk}?force=true", **basic(editor))
    assert deleted.json()["deleted"] is True and not Category.objects.exists()


def test_comments_need_a_login_and_follow_moderation(client, author, editor):
    post = PostFactory(author=editor)
    anonymous = send(client, "post", "comments", {"post": post.pk, "content": "Hi"})
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "rest_comment_login_required"
    made = send(
        client, "post", "comments", {"post": post.pk, "content": "Fine day."}, basic(author)
    )
    assert made.status_code == 201
    comment = Comment.objects.get()
    assert comment.user == author and comment.comment == "Fine day."
    held = send(client, "post", f"comments/{comment.pk}", {"status": "hold"}, basic(editor))
    assert held.status_code == 200
    comment.refresh_from_db()
    assert comment.state == "pending"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_media_upload_raw_and_multipart(client, author):
    auth = basic(author)
    named = {"HTTP_CONTENT_DISPOSITION": 'attachment; filename="bay.png"'}
    raw = client.post("/wp-json/wp/v2/media", png_bytes(), "image/png", **named, **auth)
    assert raw.status_code == 201
    assert raw.json()["media_type"] == "image" and raw.json()["media_details"]["width"] == 32
    upload = io.BytesIO(png_bytes())
    upload.name = "cove.png"
    multipart = client.post("/wp-json/wp/v2/media", {"file": upload, "title": "Cove"}, **auth)
    assert multipart.status_code == 201 and multipart.json()["title"]["rendered"] == "Cove"
    missing = client.post("/wp-json/wp/v2/media", b"data", content_type="image/png", **auth)
    assert missing.json()["code"] == "rest_upload_no_content_disposition"
    disguised = client.post("/wp-json/wp/v2/media", b"<html>", "image/png", **named, **auth)
    assert disguised.status_code == 400
    assert disguised.json()["code"] == "rest_upload_sideload_error"
    assert Media.objects.count() == 2


def test_settings_are_for_administrators_only(client, editor):
    from blog.models import SiteOptions
    from blog.roles import ADMINISTRATOR

    assert client.get("/wp-json/wp/v2/settings").status_code == 401
    refused = client.get("/wp-json/wp/v2/settings", **basic(editor))
    assert refused.status_code == 403 and refused.json()["code"] == "rest_forbidden"
    admin = basic(user_with_role(ADMINISTRATOR))
    assert client.get("/wp-json/wp/v2/settings", **admin).json()["title"] == SiteOptions.get().title
    changed = send(client, "post", "settings", {"title": "Harbour Log", "posts_per_page": 7}, admin)
    assert changed.json()["title"] == "Harbour Log" and changed.json()["posts_per_page"] == 7
    assert SiteOptions.get().title == "Harbour Log"
    bad = send(client, "post", "settings", {"posts_per_page": "many"}, admin)
    assert bad.status_code == 400
