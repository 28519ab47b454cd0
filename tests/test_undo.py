"""WordPress's Undo: after moving posts, pages or comments to the Trash or to spam, the
message carries an Undo that puts each row back as it was, and nothing else."""

import re

import pytest

from blog.models import Page, Post
from comments.models import Comment
from tests.admin_forms import admin_form
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def undo_of(response):
    """The Undo form's action and token in the message the next page shows."""
    html = response.content.decode()
    found = re.search(
        r'<form method="post" action="([^"]+)" class="undo-form">.*?name="undo" value="([^"]+)"',
        html,
        re.S,
    )
    assert found, "no Undo in the message"
    return found.group(1), {"undo": found.group(2)}


def test_trashed_posts_come_back_with_their_own_status(admin_client):
    published = PostFactory(status="publish")
    draft = PostFactory(status="draft")
    response = admin_client.post(
        "/admin/blog/post/",
        {"action": "move_to_trash", "_selected_action": [published.pk, draft.pk]},
        follow=True,
    )
    assert "2 posts moved to the Trash." in response.content.decode()
    assert set(Post.objects.values_list("status", flat=True)) == {"trash"}
    url, data = undo_of(response)
    response = admin_client.post(url, data, follow=True)
    assert "2 posts restored from the Trash." in response.content.decode()
    published.refresh_from_db(), draft.refresh_from_db()
    assert (published.status, draft.status) == ("publish", "draft")


def test_a_page_trashed_from_its_publish_box_has_an_undo(admin_client):
    page = Page.objects.create(title="About the harbour", status="publish", author=UserFactory())
    change = f"/admin/blog/page/{page.pk}/change/"
    data = admin_form(admin_client, change, "page_form", _trash="Move to Trash")
    response = admin_client.post(change, data, follow=True)
    assert "1 page moved to the Trash." in response.content.decode()
    url, undo = undo_of(response)
    assert (
        "1 page restored from the Trash."
        in admin_client.post(url, undo, follow=True).content.decode()
    )
    page.refresh_from_db()
    assert page.status == "publish"


@pytest.mark.parametrize(
    ("action", "said", "restored"),
    [
        ("move_to_trash", "moved to the Trash", "restored from the Trash"),
        ("mark_spam", "marked as spam", "restored from the spam"),
    ],
)
def test_comments_sent_away_come_back_as_they_were(admin_client, action, said, restored):
    approved = CommentFactory(state="approved")
    held = CommentFactory(state="pending")
    response = admin_client.post(
        "/admin/comments/comment/",
        {"action": action, "_selected_action": [approved.pk, held.pk]},
        follow=True,
    )
    assert f"2 comments {said}." in response.content.decode()
    url, data = undo_of(response)
    response = admin_client.post(url, data, follow=True)
    assert f"2 comments {restored}." in response.content.decode()
    assert dict(Comment.objects.values_list("pk", "state")) == {
        approved.pk: "approved",
        held.pk: "pending",
    }


def test_row_action_trash_offers_undo_on_the_list(admin_client):
    comment = CommentFactory(state="approved")
    response = admin_client.post(
        f"/admin/comments/comment/{comment.pk}/moderate/trash/",
        {"next": "/admin/comments/comment/"},
        follow=True,
    )
    assert "1 comment moved to the Trash." in response.content.decode()
    url, data = undo_of(response)
    admin_client.post(url, data)
    comment.refresh_from_db()
    assert comment.state == "approved"


def test_undo_leaves_rows_changed_since_alone(admin_client):
    comment = CommentFactory(state="approved")
    response = admin_client.post(
        "/admin/comments/comment/",
        {"action": "move_to_trash", "_selected_action": [comment.pk]},
        follow=True,
    )
    url, data = undo_of(response)
    Comment.objects.filter(pk=comment.pk).update(state="spam")  # someone else moved it on
    response = admin_client.post(url, data, follow=True)
    assert "0 comments restored from the Trash." in response.content.decode()
    comment.refresh_from_db()
    assert comment.state == "spam"


def test_undo_is_for_its_own_user_and_cannot_be_forged(admin_client, client):
    post = PostFactory(status="publish")
    response = admin_client.post(
        "/admin/blog/post/", {"action": "move_to_trash", "_selected_action": [post.pk]}, follow=True
    )
    url, data = undo_of(response)
    other = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.post(url, data).status_code == 400
    assert admin_client.post(url, {"undo": data["undo"][:-2] + "xx"}).status_code == 400
    assert admin_client.get(url).status_code == 405
    post.refresh_from_db()
    assert post.status == "trash"


def test_an_undo_works_only_on_the_list_it_came_from(admin_client):
    comment = CommentFactory(pk=4242, state="approved")
    post = PostFactory(pk=4242, status="trash")
    response = admin_client.post(
        "/admin/comments/comment/",
        {"action": "move_to_trash", "_selected_action": [comment.pk]},
        follow=True,
    )
    _, data = undo_of(response)
    assert admin_client.post("/admin/blog/post/undo/", data).status_code == 400
    post.refresh_from_db()
    assert post.status == "trash"


def test_an_undo_works_once(admin_client, client, django_user_model):
    post = PostFactory(status="publish")
    trash = {"action": "move_to_trash", "_selected_action": [post.pk]}
    url, data = undo_of(admin_client.post("/admin/blog/post/", trash, follow=True))
    admin_client.post(url, data)
    other = django_user_model.objects.create_superuser("other", "o@example.com", "pw")
    client.force_login(other)
    client.post("/admin/blog/post/", {"action": "move_to_draft", "_selected_action": [post.pk]})
    client.post("/admin/blog/post/", {"action": "move_to_trash", "_selected_action": [post.pk]})
    assert admin_client.post(url, data).status_code == 400  # the first Undo, again
    post.refresh_from_db()
    assert post.status == "trash"


def test_a_contributor_undoes_trashing_their_own_draft(client):
    from tests.roles import user_with_role

    contributor = user_with_role("Contributor", "cato")
    client.force_login(contributor)
    draft = PostFactory(status="draft", author=contributor)
    response = client.post(
        "/admin/blog/post/",
        {"action": "move_to_trash", "_selected_action": [draft.pk]},
        follow=True,
    )
    url, data = undo_of(response)
    assert "1 post restored from the Trash." in client.post(url, data, follow=True).content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
