"""Brute-force defence: after ten failures for one account or from one address every password is
refused for the cool-off time, with a message that tells nothing; an administrator can unlock;
the post-password form is throttled per client and entry the same way."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F

from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("ed", "ed@example.com", RIGHT, is_staff=True)


def log_in(client, username, password, ip="198.51.100.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(client, username, times, ip="198.51.100.1"):
    for _ in range(times):
        assert not logged_in(log_in(client, username, "wrong guess", ip))


def test_ten_failures_lock_the_account_even_against_the_right_password(client, editor):
    fail(client, "ed", 9)
    assert logged_in(log_in(client, "ed", RIGHT))  # nine failures: still allowed
    client.logout()
    fail(client, "ed", 10)
    refused = log_in(client, "ed", RIGHT)
    assert refused.status_code == 429
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_says_the_same_for_a_real_and_a_made_up_account(client, editor):
    fail(client, "ed", 10, ip="198.51.100.2")
    fail(client, "nobody", 10, ip="198.51.100.3")
    real = log_in(client, "ed", RIGHT, ip="198.51.100.2")
    made_up = log_in(client, "nobody", "whatever", ip="198.51.100.3")
    assert real.status_code == made_up.status_code == 429
    assert real.content == made_up.content


def test_failures_spread_over_addresses_still_lock_the_account(client, editor):
    for n in range(10):
        fail(client, "ed", 1, ip=f"203.0.113.{n}")
    assert log_in(client, "ed", RIGHT, ip="192.0.2.50").status_code == 429


def test_failures_from_one_address_lock_that_address_for_every_account(client, editor):
    get_user_model().objects.create_user("other", "o@example.com", RIGHT, is_staff=True)
    for n in range(10):
        fail(client, f"guess{n}", 1, ip="203.0.113.77")
    assert log_in(client, "other", RIGHT, ip="203.0.113.77").status_code == 429
    assert logged_in(log_in(client, "other", RIGHT, ip="203.0.113.78"))


def test_other_accounts_and_addresses_are_not_affected(client, editor):
    get_user_model().objects.create_user("other", "o@example.com", RIGHT, is_staff=True)
    fail(client, "ed", 10, ip="203.0.113.5")
    assert logged_in(log_in(client, "other", RIGHT, ip="203.0.113.6"))


def test_the_lock_ends_after_the_cool_off(client, editor):
    fail(client, "ed", 10)
    assert log_in(client, "ed", RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
    assert logged_in(log_in(client, "ed", RIGHT))


def test_an_administrator_unlocks_from_the_admin(client, editor, admin_client):
    fail(client, "ed", 10)
    assert log_in(client, "ed", RIGHT).status_code == 429
    changelist = admin_client.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "ed" in changelist.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert logged_in(log_in(client, "ed", RIGHT))


def test_wp_login_takes_no_password_and_leads_to_the_guarded_form(client, editor):
    response = client.post("/wp-login.php", {"log": "ed", "pwd": RIGHT})
    assert response.status_code == 301 and response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session


def guess(client, post, password, ip="198.51.100.9"):
    return client.post(
        "/postpass/",
        {"post_password": password, "next": post.get_absolute_url()},
        REMOTE_ADDR=ip,
    )


def still_locked(client, post):
    return "This content is password protected" in client.get(post.get_absolute_url()).text


def test_ten_wrong_post_passwords_then_even_the_right_one_is_refused(client):
    post = PostFactory(password="tide42", body="<p>Secret plans.</p>")
    other = PostFactory(password="ebb7", body="<p>Other secret.</p>")
    for n in range(10):
        assert guess(client, post, f"nope{n}").status_code == 302
    refused = guess(client, post, "tide42")
    assert refused.status_code == 429
    assert still_locked(client, post)
    # the same client on another entry, and another client on this one, are unaffected
    assert guess(client, other, "ebb7").status_code == 302
    assert "Other secret." in client.get(other.get_absolute_url()).content.decode()
    assert guess(client, post, "tide42", ip="198.51.100.10").status_code == 302


def test_guesses_sent_without_naming_the_entry_are_counted_too(client):
    post = PostFactory(password="tide42", body="<p>Secret plans.</p>")
    for n in range(10):
        client.post("/postpass/", {"post_password": f"nope{n}", "next": f"/?n={n}"})
    assert client.post("/postpass/", {"post_password": "tide42", "next": "/"}).status_code == 429
    assert still_locked(client, post)
