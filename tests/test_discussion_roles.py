"""Authors and Contributors in the admin, as WordPress has them: they see the discussion of
their own entries only (never another writer's commenters' e-mail, IP or user agent), moderate
it where they may edit the entry, recover only what they could edit, and Contributors cannot
make a post sticky."""

import pytest
import reversion
from django.test import Client

from blog.models import Post
from comments.models import Comment
from tests.admin_forms import admin_form
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def signed_in(role):
    user = user_with_role(role)
    client = Client()
    client.force_login(user)
    return client, user


def others_comment(**fields):
    other = UserFactory(username="other-writer")
    post = PostFactory(author=other, status=fields.pop("post_status", "publish"), title="Theirs")
    details = {
        "user_email": "their-reader@example.com",
        "ip_address": "198.51.100.77",
        "user_agent": "TheirBrowser/1.0",
        "comment": "A comment on their post",
        **fields,
    }
    return CommentFactory(content_object=post, **details)


@pytest.mark.parametrize("role", ["Author", "Contributor"])
def test_writers_see_only_their_own_entries_discussion(role):
    client, user = signed_in(role)
    mine = PostFactory(author=user, title="Mine")
    CommentFactory(content_object=mine, comment="A comment on my post", state="pending")
    theirs = others_comment(state="pending")
    draft = others_comment(post_status="draft", user_email="draft-reader@example.com")

    listing = client.get(CHANGELIST)
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "A comment on my post" in html
    assert "their-reader@example.com" not in html and "A comment on their post" not in html
    for comment in (theirs, draft):
        page = client.get(f"{CHANGELIST}{comment.pk}/change/")
        assert page.status_code in (302, 404)  # the admin's "does not exist"
        assert "198.51.100.77" not in page.content.decode()
        assert "TheirBrowser" not in page.content.decode()
    filtered = client.get(f"{CHANGELIST}?object_pk={draft.object_pk}").content.decode()
    assert "Theirs" not in filtered and "draft-reader" not in filtered
    dashboard = client.get("/admin/").content.decode()
    assert "A comment on their post" not in dashboard and "Comments (1)" in dashboard


def test_authors_moderate_their_own_posts_comments_and_no_one_elses():
    client, user = signed_in("Author")
    mine = CommentFactory(content_object=PostFactory(author=user), state="pending")
    theirs = others_comment(state="pending")
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [mine.pk, theirs.pk]})
    assert Comment.objects.get(pk=mine.pk).state == "approved"
    assert Comment.objects.get(pk=theirs.pk).state == "pending"
    for url in (f"{CHANGELIST}{theirs.pk}/moderate/spam/", f"{CHANGELIST}{theirs.pk}/reply/"):
        client.post(url, {"comment": "Hijacked reply"})
    assert Comment.objects.get(pk=theirs.pk).state == "pending"
    assert not Comment.objects.filter(comment="Hijacked reply").exists()


def test_contributors_see_but_do_not_moderate_comments_on_their_published_post():
    client, user = signed_in("Contributor")
    comment = CommentFactory(content_object=PostFactory(author=user), state="pending")
    assert "A thoughtful response." in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    assert Comment.objects.get(pk=comment.pk).state == "pending"


def test_the_recover_list_and_histories_show_only_entries_the_user_could_edit():
    client, user = signed_in("Author")
    other = UserFactory(username="other-writer")
    for author, title in ((user, "My deleted piece"), (other, "Their deleted piece")):
        with reversion.create_revision():
            post = PostFactory(author=author, title=title)
        post.delete()
    with reversion.create_revision():
        alive = PostFactory(author=other, title="Their living piece")

    recover = client.get("/admin/blog/post/recover/").content.decode()
    assert "My deleted piece" in recover and "Their deleted piece" not in recover
    from reversion.models import Version

    theirs = Version.objects.get_deleted(Post).get(object_repr="Their deleted piece")
    assert client.get(f"/admin/blog/post/recover/{theirs.pk}/").status_code == 403
    assert client.get(f"/admin/blog/post/{alive.pk}/history/").status_code == 404

    editor = Client()
    editor.force_login(user_with_role("Editor"))
    assert "Their deleted piece" in editor.get("/admin/blog/post/recover/").content.decode()


def test_contributors_cannot_make_a_post_sticky():
    client, user = signed_in("Contributor")
    url = "/admin/blog/post/add/"
    data = admin_form(client, url, "post_form", title="Please stick me", status="draft")
    data["is_sticky"] = "on"
    assert client.post(url, data).status_code == 302
    post = Post.objects.get(title="Please stick me")
    assert post.author == user and not post.is_sticky
    client.post("/admin/blog/post/", {"action": "stick", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert not post.is_sticky

    author_client, author = signed_in("Author")
    data = admin_form(author_client, url, "post_form", title="Stick mine", status="draft")
    data["is_sticky"] = "on"
    author_client.post(url, data)
    assert Post.objects.get(title="Stick mine").is_sticky
