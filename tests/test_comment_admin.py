"""Moderating in the admin: the queue, bulk actions, replies, the e-mail links."""

import pytest
from django.contrib.auth.models import Permission

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def test_pending_count_shows_in_the_admin_menu(admin_client):
    CommentFactory(state="pending")
    CommentFactory(state="pending")
    CommentFactory(state="approved")
    assert "Comments (2)" in admin_client.get("/admin/").content.decode()


def test_queue_filters_by_state_kind_and_post(admin_client):
    post = PostFactory(title="Harbour notes")
    CommentFactory(content_object=post, state="pending", comment="Waiting one")
    CommentFactory(content_object=post, state="approved", comment="Shown one")
    CommentFactory(state="pending", comment="Elsewhere waiting")
    CommentFactory(content_object=post, state="approved", kind="pingback", comment="Ping one")
    html = admin_client.get(
        f"{CHANGELIST}?comment_status=moderated&object_pk={post.pk}"
    ).content.decode()
    assert "Waiting one" in html
    assert "Shown one" not in html and "Elsewhere waiting" not in html
    html = admin_client.get(f"{CHANGELIST}?kind=pingback").content.decode()
    assert "Ping one" in html and "Shown one" not in html
    html = admin_client.get(f"{CHANGELIST}?q=Elsewhere").content.decode()
    assert "Elsewhere waiting" in html and "Waiting one" not in html


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("approve", "approved"),
        ("unapprove", "pending"),
        ("mark_spam", "spam"),
        ("move_to_trash", "trash"),
    ],
)
def test_bulk_actions_set_the_state(admin_client, action, state):
    first = CommentFactory(state="pending" if state != "pending" else "approved")
    second = CommentFactory(state="pending" if state != "pending" else "approved")
    admin_client.post(CHANGELIST, {"action": action, "_selected_action": [first.pk, second.pk]})
    assert set(Comment.objects.values_list("state", flat=True)) == {state}


def test_approved_comment_appears_on_the_post_and_spam_disappears(admin_client, client):
    post = PostFactory()
    comment = CommentFactory(content_object=post, state="pending", comment="Moderated text")
    assert "Moderated text" not in client.get(post.get_absolute_url()).content.decode()
    admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    assert "Moderated text" in client.get(post.get_absolute_url()).content.decode()
    admin_client.post(CHANGELIST, {"action": "mark_spam", "_selected_action": [comment.pk]})
    assert "Moderated text" not in client.get(post.get_absolute_url()).content.decode()


def test_approving_a_parent_does_not_publish_its_held_replies(admin_client, client):
    post = PostFactory()
    parent = CommentFactory(content_object=post, state="pending", comment="Parent text")
    CommentFactory(content_object=post, parent_id=parent.pk, state="spam", comment="Spam reply")
    admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [parent.pk]})
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Parent text" in html and "Spam reply" not in html


def test_editor_replies_from_the_admin(admin_client, client):
    post = PostFactory()
    parent = CommentFactory(content_object=post, state="pending")
    response = admin_client.post(f"{CHANGELIST}{parent.pk}/reply/", {"comment": "Thanks!"})
    assert response.status_code == 302
    reply = Comment.objects.get(comment="Thanks!")
    parent.refresh_from_db()
    assert (reply.parent_id, reply.state, parent.state) == (parent.pk, "approved", "approved")
    assert "Thanks!" in client.get(post.get_absolute_url()).content.decode()


def test_moderation_email_links_confirm_before_acting(admin_client):
    comment = CommentFactory(state="pending")
    url = f"{CHANGELIST}{comment.pk}/moderate/trash/"
    assert "Trash this comment" in admin_client.get(url).content.decode()
    comment.refresh_from_db()
    assert comment.state == "pending"
    admin_client.post(url)
    comment.refresh_from_db()
    assert comment.state == "trash"


def test_users_without_moderation_rights_cannot_moderate(client):
    comment = CommentFactory(state="pending")
    writer = UserFactory(username="contrib", is_staff=True)
    writer.user_permissions.add(
        Permission.objects.get(codename="view_comment", content_type__app_label="comments")
    )
    client.force_login(writer)
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    client.post(f"{CHANGELIST}{comment.pk}/moderate/approve/")
    client.post(f"{CHANGELIST}{comment.pk}/reply/", {"comment": "Sneaky"})
    comment.refresh_from_db()
    assert comment.state == "pending"
    assert not Comment.objects.filter(comment="Sneaky").exists()


def test_posts_list_links_each_posts_comment_count(admin_client):
    post = PostFactory(title="Counted post")
    CommentFactory(content_object=post)
    CommentFactory(content_object=post)
    CommentFactory(content_object=post, state="pending")
    html = admin_client.get("/admin/blog/post/").content.decode()
    assert f'<a href="/admin/comments/comment/?object_pk={post.pk}">2</a>' in html


def test_comments_screen_is_wordpresss(admin_client):
    post = PostFactory(title="Harbour notes")
    older = CommentFactory(content_object=post, state="approved", comment="Older words")
    newer = CommentFactory(content_object=post, state="pending", comment="Newer words")
    CommentFactory(content_object=post, state="spam", comment="Buy now")
    html = admin_client.get(CHANGELIST).content.decode()
    assert html.index("Newer words") < html.index("Older words")  # newest first
    assert "Buy now" not in html  # All is pending and approved, as in WordPress
    assert 'class="comment-pending"' in html  # held rows are marked for highlighting
    assert 'Pending <span class="count">(1)</span>' in html
    assert 'Spam <span class="count">(1)</span>' in html
    for action in ("unapprove", "spam", "trash"):
        assert f"/admin/comments/comment/{older.pk}/moderate/{action}/" in html
    assert f"/admin/comments/comment/{newer.pk}/moderate/approve/" in html
    assert f"/admin/comments/comment/{newer.pk}/reply/" in html
    assert 'title="Approved comments">1</span>' in html


def test_row_action_acts_in_one_post_with_a_human_message(admin_client):
    held = CommentFactory(state="pending")
    response = admin_client.post(
        f"/admin/comments/comment/{held.pk}/moderate/approve/",
        {"next": CHANGELIST + "?comment_status=moderated"},
        follow=True,
    )
    held.refresh_from_db()
    assert held.state == "approved"
    assert "1 comment approved." in response.content.decode()
