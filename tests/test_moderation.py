"""WordPress's discussion rules, each with its WordPress outcome."""

import datetime

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.factories import (
    CommentFactory,
    PostFactory,
    UserFactory,
    comment_form_data,
    site_options,
)

pytestmark = pytest.mark.django_db

READER_IP = "198.51.100.7"


def submit(client, post, ip=READER_IP, **fields):
    return client.post("/comments/post/", comment_form_data(post, **fields), REMOTE_ADDR=ip)


def only_comment():
    return Comment.objects.get()


def earlier(minutes=5):
    Comment.objects.update(submit_date=timezone.now() - datetime.timedelta(minutes=minutes))


def test_first_time_commenter_is_held_by_default(client, post):
    response = submit(client, post, comment="Hello for the first time.")
    assert response.status_code == 302
    assert only_comment().state == "pending"


def test_commenter_with_a_previously_approved_comment_is_approved(client, post):
    CommentFactory(user_name="Juno Reader", user_email="juno@example.com", state="approved")
    earlier()
    submit(client, post, comment="Back again.")
    assert Comment.objects.get(comment="Back again.").state == "approved"


def test_previously_approved_needs_the_same_name_and_email(client, post):
    CommentFactory(user_name="Someone Else", user_email="juno@example.com", state="approved")
    earlier()
    submit(client, post, comment="Same address, other name.")
    assert Comment.objects.get(comment="Same address, other name.").state == "pending"


def test_previously_approved_off_approves_a_stranger(client, post):
    site_options(comment_previously_approved=False)
    submit(client, post)
    assert only_comment().state == "approved"


def test_manual_approval_holds_even_known_commenters(client, post):
    site_options(comment_moderation=True)
    CommentFactory(user_name="Juno Reader", user_email="juno@example.com", state="approved")
    earlier()
    submit(client, post, comment="Known, but everything is held.")
    assert Comment.objects.get(comment="Known, but everything is held.").state == "pending"


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("One link: https://a.example/", "approved"),
        ('Two: <a href="https://a.example/">a</a> and https://b.example/', "pending"),
    ],
)
def test_comment_with_max_links_or_more_is_held(client, post, text, state):
    site_options(comment_previously_approved=False, comment_max_links=2)
    submit(client, post, comment=text)
    assert only_comment().state == state


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Cheap PILLS shop"},
        {"email": "x@pills.example"},
        {"url": "https://pills.example/"},
        {"comment": "Buy pills here"},
    ],
)
def test_moderation_keys_hold_matching_comments(client, post, fields):
    site_options(comment_previously_approved=False, moderation_keys="\n  pills  \n")
    submit(client, post, **fields)
    assert only_comment().state == "pending"


def test_moderation_keys_match_ip_and_user_agent(client, post):
    site_options(comment_previously_approved=False, moderation_keys="198.51.100.\nEvilBrowser")
    submit(client, post, ip="198.51.100.99")
    assert only_comment().state == "pending"
    Comment.objects.all().delete()
    client.post(
        "/comments/post/",
        comment_form_data(post),
        REMOTE_ADDR="203.0.113.5",
        headers={"User-Agent": "EvilBrowser/1.0"},
    )
    assert only_comment().state == "pending"


def test_disallowed_keys_send_the_comment_to_trash(client, post):
    site_options(comment_previously_approved=False, disallowed_keys="casino")
    response = submit(client, post, comment="Best CASINO bonus")
    assert response.status_code == 302
    assert only_comment().state == "trash"
    html = client.get(post.get_absolute_url()).content.decode()
    assert "CASINO" not in html


def test_duplicate_comment_is_refused_with_409(client, post):
    site_options(comment_previously_approved=False)
    submit(client, post, comment="Same words.")
    earlier()
    response = submit(client, post, ip="203.0.113.9", comment="Same words.")
    assert response.status_code == 409
    assert (
        "Duplicate comment detected; it looks as though you\u2019ve already said that!"
        in response.content.decode()
    )
    assert Comment.objects.count() == 1


def test_duplicate_check_covers_held_comments_but_not_trashed_ones(client, post):
    submit(client, post, comment="Held words.")
    earlier()
    assert submit(client, post, ip="203.0.113.9", comment="Held words.").status_code == 409
    Comment.objects.update(state="trash")
    assert submit(client, post, ip="203.0.113.10", comment="Held words.").status_code == 302


def test_same_ip_within_15_seconds_is_a_flood(client, post):
    submit(client, post, comment="First.")
    response = submit(client, post, name="Other", email="other@example.com", comment="Second.")
    assert response.status_code == 429
    assert "You are posting comments too quickly. Slow down." in response.content.decode()
    assert Comment.objects.count() == 1


def test_same_email_within_15_seconds_is_a_flood(client, post):
    submit(client, post, comment="First.")
    response = submit(client, post, ip="203.0.113.44", comment="Second.")
    assert response.status_code == 429


def test_after_15_seconds_the_same_reader_may_post_again(client, post):
    submit(client, post, comment="First.")
    Comment.objects.update(submit_date=timezone.now() - datetime.timedelta(seconds=16))
    assert submit(client, post, comment="Second.").status_code == 302


def test_post_author_is_approved_and_not_flood_checked(client):
    author = UserFactory(username="author1")
    post = PostFactory(author=author)
    client.force_login(author)
    site_options(comment_moderation=True)
    submit(client, post, comment="Author reply one.")
    submit(client, post, comment="Author reply two.")
    assert list(Comment.objects.values_list("state", flat=True)) == ["approved", "approved"]


def test_editors_are_approved_without_moderation(client, post):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    site_options(comment_moderation=True)
    submit(client, post, comment="Editor speaking.")
    assert only_comment().state == "approved"


def test_disallowed_keys_apply_to_editors_too(client, post):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    site_options(disallowed_keys="forbidden")
    submit(client, post, comment="A forbidden word.")
    assert only_comment().state == "trash"


def test_form_posted_sooner_than_3_seconds_after_serving_is_refused(client, post):
    response = submit(client, post, served_seconds_ago=1)
    assert response.status_code == 400
    assert "too quick" in response.content.decode()
    assert not Comment.objects.exists()


def test_expired_form_token_is_refused(client, post):
    response = submit(client, post, served_seconds_ago=3 * 3600)
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_replayed_form_token_is_refused(client, post):
    site_options(comment_previously_approved=False)
    data = comment_form_data(post)
    assert client.post("/comments/post/", data, REMOTE_ADDR=READER_IP).status_code == 302
    earlier()
    data.update(comment="Different words, same form.", email="b@example.com", name="B")
    response = client.post("/comments/post/", data, REMOTE_ADDR="203.0.113.50")
    assert response.status_code == 400
    assert "already submitted" in response.content.decode()
    assert Comment.objects.count() == 1


def test_forged_form_token_is_refused(client, post):
    response = submit(client, post, token="1:abc:123:forged")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_token_of_another_post_is_refused(client, post):
    other = PostFactory()
    data = comment_form_data(post)
    data["token"] = comment_form_data(other)["token"]
    response = client.post("/comments/post/", data, REMOTE_ADDR=READER_IP)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_comments_close_on_old_posts_when_asked(client):
    site_options(close_comments_for_old_posts=True, close_comments_days_old=14)
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=20))
    fresh = PostFactory()
    assert submit(client, old).status_code == 403
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    html = client.get(old.get_absolute_url()).content.decode()
    assert "Both comments and pings are currently closed." in html
    assert submit(client, fresh).status_code == 302


def test_name_and_email_optional_when_the_site_says_so(client, post):
    site_options(require_name_email=False, comment_previously_approved=False)
    response = submit(client, post, name="", email="", comment="No name given.")
    assert response.status_code == 302
    assert only_comment().user_name == "Anonymous"


def test_held_comment_is_shown_only_to_its_author(client, post):
    response = submit(client, post, comment="Please approve me.")
    held = only_comment()
    location = response["Location"]
    assert f"?unapproved={held.pk}&moderation-hash=" in location
    assert location.endswith(f"#comment-{held.pk}")
    mine = client.get(location).content.decode()
    assert "Please approve me." in mine
    assert "Your comment is awaiting moderation." in mine
    assert "Please approve me." not in client.get(post.get_absolute_url()).content.decode()
    forged = location.split("moderation-hash=")[0] + "moderation-hash=forged"
    assert "Please approve me." not in client.get(forged).content.decode()
    other = CommentFactory(content_object=post, state="pending", comment="Someone else's.")
    stolen = location.replace(f"unapproved={held.pk}", f"unapproved={other.pk}")
    assert "Someone else's." not in client.get(stolen).content.decode()


def test_held_comment_link_expires(client, post, monkeypatch):
    response = submit(client, post, comment="Please approve me.")
    import comments.tree

    monkeypatch.setattr(comments.tree, "HELD_MAX_AGE", -1)
    assert "Please approve me." not in client.get(response["Location"]).content.decode()


def test_akismet_is_never_asked_without_a_key(client, post, settings):
    settings.AKISMET_API_KEY = ""
    settings.INKWELL_AKISMET_CLIENT = "tests.akismet_stand_in.Unreachable"
    site_options(comment_previously_approved=False)
    submit(client, post)
    assert only_comment().state == "approved"


@pytest.mark.parametrize(
    ("client_class", "state"),
    [
        ("tests.akismet_stand_in.SaysSpam", "spam"),
        ("tests.akismet_stand_in.SaysHam", "approved"),
        ("tests.akismet_stand_in.Unreachable", "pending"),
    ],
)
def test_akismet_verdict_when_a_key_is_set(client, post, settings, client_class, state):
    settings.AKISMET_API_KEY = "local-test-key"
    settings.INKWELL_AKISMET_CLIENT = client_class
    site_options(comment_previously_approved=False)
    submit(client, post)
    assert only_comment().state == state
