"""A comment POST names its entry by number: one that the commenter may not read answers as
one that does not exist, so walking the numbers lists nothing (no title, no "« Back" link)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from tests.factories import PostFactory, UserFactory, comment_form_data, reader_address
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db

HIDDEN = ["draft", "pending", "future", "private", "trash"]


def hidden_entry(status, **fields):
    if status == "future":
        fields["published_at"] = timezone.now() + datetime.timedelta(days=3)
    else:
        fields["status"] = status
    return PostFactory(title=f"Secret {status} plans", slug=f"secret-{status}", **fields)


def post_comment(client, post, **fields):
    data = comment_form_data(post, **fields)
    return client.post("/comments/post/", data, REMOTE_ADDR=reader_address())


@pytest.mark.parametrize("who", ["anonymous", "subscriber", "Contributor", "Author"])
def test_walking_hidden_entries_reveals_no_title_and_no_link(who):
    client = Client()
    if who == "subscriber":
        client.force_login(UserFactory(username="walker"))
    elif who != "anonymous":
        client.force_login(user_with_role(who))
    entries = [hidden_entry(status) for status in HIDDEN]
    missing = PostFactory.build(pk=max(entry.pk for entry in entries) + 100)
    for entry in [*entries, missing]:
        response = post_comment(client, entry)
        html = response.content.decode()
        assert response.status_code == 404, entry.status
        assert "Secret" not in html and "secret-" not in html, entry.status
        assert "&laquo; Back" not in html and "\u00ab Back" not in html, entry.status
    assert not Comment.objects.exists()


def test_the_author_of_a_draft_is_told_it_takes_no_comments_with_a_way_back():
    author = user_with_role("Author")
    client = Client()
    client.force_login(author)
    draft = hidden_entry("draft", author=author)
    response = post_comment(client, draft)
    html = response.content.decode()
    assert response.status_code == 404
    assert "Sorry, this item is not available." in html
    assert f'href="{draft.get_absolute_url()}">&laquo; Back' in html
    assert not Comment.objects.exists()
