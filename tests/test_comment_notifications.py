"""E-mail about discussion: sent by the task worker, and only once the comment is committed."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from blog.models import SiteOptions
from comments import notifications
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory, comment_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return PostFactory(author=UserFactory(username="author", email="author@example.com"))


def submit(client, post, ip="198.51.100.20", **fields):
    return client.post("/comments/post/", comment_form_data(post, **fields), REMOTE_ADDR=ip)


def trust_everyone():
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()


def test_post_author_hears_of_a_new_comment_after_commit(
    client, post, django_capture_on_commit_callbacks
):
    trust_everyone()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(client, post, comment="Nice harbour photo.")
    assert mail.outbox == []  # nothing is sent inside the request's transaction
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["author@example.com"]]
    assert "Nice harbour photo." in mail.outbox[0].body
    assert f"#comment-{Comment.objects.get().pk}" in mail.outbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(post, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                comment = CommentFactory(content_object=post)
                notifications.after_commit(comment)
                raise RuntimeError("the save fails later in the same transaction")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Comment.objects.exists()


def test_moderators_get_approve_spam_and_trash_links_for_a_held_comment(
    client, post, django_capture_on_commit_callbacks
):
    UserFactory(username="boss", email="boss@example.com", is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, post, comment="Held for a human.")
    held = Comment.objects.get()
    assert held.state == "pending"
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    body = mail.outbox[0].body
    for action in ("approve", "spam", "trash"):
        assert f"/admin/comments/comment/{held.pk}/moderate/{action}/" in body
    assert "Held for a human." in body


def test_followers_get_a_reply_mail_with_a_working_unsubscribe_link(
    client, post, django_capture_on_commit_callbacks
):
    trust_everyone()
    CommentFactory(content_object=post, user_email="follower@example.com", followup=True)
    CommentFactory(content_object=post, user_email="quiet@example.com", followup=False)
    Comment.objects.update(submit_date=timezone.now() - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, post, comment="A reply for followers.")
    to_follower = [m for m in mail.outbox if m.to == ["follower@example.com"]]
    assert len(to_follower) == 1
    assert not [m for m in mail.outbox if m.to == ["quiet@example.com"]]
    link = next(
        line for line in to_follower[0].body.splitlines() if "/comments/unsubscribe/" in line
    )
    path = link[link.index("/comments/unsubscribe/") :]
    assert "Stop e-mails to follower@example.com" in client.get(path).content.decode()
    client.post(path)
    assert not Comment.objects.filter(user_email="follower@example.com", followup=True).exists()


def test_forged_unsubscribe_link_is_404(client):
    assert client.get("/comments/unsubscribe/not-a-signed-token/").status_code == 404


def test_approving_a_held_comment_notifies_the_author(
    admin_client, post, django_capture_on_commit_callbacks
):
    held = CommentFactory(content_object=post, state="pending", comment="Finally approved.")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/comments/comment/",
            {"action": "approve", "_selected_action": [held.pk]},
        )
    held.refresh_from_db()
    assert held.state == "approved"
    assert ["author@example.com"] in [m.to for m in mail.outbox]
