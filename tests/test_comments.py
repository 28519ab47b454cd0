"""Posting to the Leave a Reply form: threading, WordPress's errors, remember-me, safety."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from blog.models import Discussion, SiteOptions
from comments import forms
from comments.models import Comment
from tests.admin_forms import form_values
from tests.factories import (
    CommentFactory,
    PostFactory,
    UserFactory,
    comment_form_data,
    reader_address,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trusting_site(db):
    """These tests are about posting and showing; moderation has its own tests."""
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.comment_max_links = 0
    options.save()


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def post_comment(client, post, **fields):
    return client.post(
        "/comments/post/", comment_form_data(post, **fields), REMOTE_ADDR=reader_address()
    )


def csrf_token_from(client, post):
    client.get(post.get_absolute_url())
    return client.cookies["csrftoken"].value


def test_comment_post_needs_the_csrf_token(csrf_client, post):
    assert post_comment(csrf_client, post).status_code == 403
    assert not Comment.objects.exists()
    token = csrf_token_from(csrf_client, post)
    response = post_comment(csrf_client, post, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_posted_comment_appears_on_the_post_with_author_and_text(client, post):
    post_comment(
        client,
        post,
        name="Ilse Moor",
        url="https://ilse.example.org/",
        comment="The second quote says it all.",
    )
    comment = Comment.objects.get()
    assert comment.kind == "comment" and comment.state == "approved"
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert (
        '<a href="https://ilse.example.org/" rel="external nofollow ugc" class="url">Ilse Moor</a>'
    ) in html
    assert "<p>The second quote says it all.</p>" in html
    assert "One Response to" in html


def test_reply_is_threaded_under_its_parent(client, post):
    post_comment(client, post, comment="Top-level thought.")
    parent = Comment.objects.get()
    post_comment(
        client,
        post,
        name="Second Voice",
        email="two@example.com",
        comment="A reply to that.",
        reply_to=str(parent.pk),
    )
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert (reply.parent_id, reply.thread_id, reply.level) == (parent.pk, parent.pk, 1)
    html = client.get(post.get_absolute_url()).content.decode()
    children = html.split(f'id="comment-{parent.pk}"', 1)[1]
    assert children.index('<ol class="children">') < children.index(f'id="comment-{reply.pk}"')
    assert f'class="comment depth-2" id="comment-{reply.pk}"' in html


def test_reply_form_says_who_is_answered(client, post):
    parent = CommentFactory(content_object=post, user_name="Noor")
    html = client.get(f"{post.get_absolute_url()}?replytocom={parent.pk}").content.decode()
    assert "Leave a Reply to Noor" in html
    assert f'name="reply_to" id="comment_parent" value="{parent.pk}"' in html
    assert "Cancel reply" in html


def _chain(post, depth):
    comments, parent_id = [], 0
    for _ in range(depth):
        comment = CommentFactory(content_object=post, parent_id=parent_id)
        comments.append(comment)
        parent_id = comment.pk
    return comments


def test_reply_links_stop_at_the_depth_setting_and_deeper_replies_are_flattened(client, post):
    chain = _chain(post, 7)
    html = client.get(post.get_absolute_url()).content.decode()
    for level, comment in enumerate(chain, start=1):
        shown = min(level, 5)
        assert f"depth-{shown}" in html.split(f'id="comment-{comment.pk}"')[0].rsplit("<li", 1)[1]
        has_reply = f"?replytocom={comment.pk}#respond" in html
        assert has_reply == (level < 5)


def test_reply_past_the_depth_limit_is_refused(client, post):
    chain = _chain(post, 5)
    response = post_comment(client, post, reply_to=str(chain[-1].pk), comment="Too deep.")
    assert response.status_code == 400
    assert "thread is too deep" in response.content.decode()
    assert Comment.objects.count() == 5


def test_reply_to_a_comment_of_another_post_is_refused(client, post):
    elsewhere = CommentFactory()
    response = post_comment(client, post, reply_to=str(elsewhere.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comment": ""}, "Error: Please type your comment text."),
        ({"name": ""}, "Error: Please fill the required fields."),
        ({"email": ""}, "Error: Please fill the required fields."),
        ({"email": "not-an-address"}, "Error: Please enter a valid email address."),
        (
            {"url": "javascript:alert(1)"},
            "Error: Please enter a valid website address (http:// or https://).",
        ),
        ({"comment": "x" * 65526}, "Error: Your comment is too long."),
        ({"name": "n" * 246}, "Error: Your name is too long."),
    ],
)
def test_invalid_comment_gets_wordpress_error_and_the_form_back(client, post, fields, message):
    response = post_comment(client, post, **{"comment": "Keep this text.", **fields})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Comment Submission Failure" in html
    if fields.get("comment", "x") != "" and len(fields.get("comment", "")) < 100:
        assert "Keep this text." in html
    assert not Comment.objects.exists()


def test_comment_on_a_closed_post_is_forbidden(client):
    post = PostFactory(comment_status=Discussion.CLOSED)
    response = post_comment(client, post)
    assert response.status_code == 403
    assert "Sorry, comments are closed for this item." in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_on_a_draft_is_not_found(client):
    post = PostFactory(status="draft")
    assert post_comment(client, post).status_code == 404
    assert not Comment.objects.exists()


def test_tampered_security_hash_is_rejected(client, post):
    response = post_comment(client, post, security_hash="0" * 40)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_honeypot_filled_is_rejected(client, post):
    assert post_comment(client, post, honeypot="http://spam.example").status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://evil.example"></iframe>',
        '<b onmouseover="alert(1)">bold</b>',
    ],
)
def test_markup_in_comments_is_rendered_inert(client, post, payload):
    post_comment(client, post, comment=f"Hello {payload} world")
    html = client.get(post.get_absolute_url()).content.decode()
    body = html.split('class="comment-content">', 1)[1].split("</div>", 1)[0]
    for active in ("<script", "onerror", "javascript:", "<svg", "<iframe", "onmouseover", "onload"):
        assert active not in body.lower()


def test_allowed_markup_survives_and_links_get_nofollow_ugc(client, post):
    post_comment(
        client,
        post,
        comment='I <strong>agree</strong>, see <a href="https://x.example/">'
        "this</a> and https://y.example/page",
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<strong>agree</strong>" in html
    assert '<a href="https://x.example/" rel="nofollow ugc">this</a>' in html
    assert '<a href="https://y.example/page" rel="nofollow ugc">https://y.example/page</a>' in html


def test_remember_me_prefills_the_form_next_time(client, post):
    response = post_comment(
        client,
        post,
        name="Cato Lind",
        email="cato@example.com",
        url="https://cato.example/",
        remember="on",
    )
    assert response.cookies["comment_author"]["max-age"]
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Cato Lind"' in html and 'value="cato@example.com"' in html
    assert 'id="wp-comment-cookies-consent" checked' in html
    Comment.objects.update(submit_date=timezone.now() - datetime.timedelta(minutes=1))
    response = post_comment(
        client, post, name="Cato Lind", email="cato@example.com", comment="Again."
    )
    assert response.status_code == 302
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Cato Lind"' not in html


def test_signed_in_user_comments_as_themselves(client, post):
    user = UserFactory(username="marta", first_name="Marta", last_name="Vole")
    client.force_login(user)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Logged in as" in html and "Marta Vole" in html and "Log out?" in html
    assert 'id="author"' not in html
    post_comment(client, post, name="", email="", comment="From the account.")
    comment = Comment.objects.get()
    assert comment.user == user and comment.user_name == "Marta Vole"


def test_unapproved_comments_are_not_shown(client, post):
    CommentFactory(content_object=post, state="pending", comment="Held back text")
    assert "Held back text" not in client.get(post.get_absolute_url()).content.decode()


def test_depth_setting_is_a_site_option(client, post):
    options = SiteOptions.get()
    options.thread_comments_depth = 2
    options.save()
    chain = _chain(post, 2)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f"?replytocom={chain[0].pk}#respond" in html
    assert f"?replytocom={chain[1].pk}#respond" not in html


def test_seventy_thousand_characters_are_refused(client, post):
    response = post_comment(client, post, comment="y" * 70_000)
    assert response.status_code == 400
    assert "Error: Your comment is too long." in response.content.decode()
    assert not Comment.objects.exists()


def test_null_bytes_are_refused_with_a_message(client, post):
    response = post_comment(client, post, name="Nul\x00l", comment="Text with \x00 inside")
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not Comment.objects.exists()


def test_invalid_utf8_never_breaks_the_page(client, post):
    from urllib.parse import urlencode

    fields = comment_form_data(post, comment="placeholder")
    body = urlencode({k: v for k, v in fields.items() if k != "comment"}).encode()
    body += b"&comment=caf%E9+%FF%FE+broken"
    response = client.post(
        "/comments/post/",
        body,
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR=reader_address(),
    )
    assert response.status_code == 302  # kept, each undecodable byte shown as U+FFFD
    assert Comment.objects.get().comment == "caf\ufffd \ufffd\ufffd broken"
    html = client.get(post.get_absolute_url()).content.decode()
    assert "caf\ufffd \ufffd\ufffd broken" in html


def test_names_up_to_wordpress_limit_of_245_characters_are_kept(client, post):
    response = post_comment(client, post, name="N" * 245, comment="Long-named reader.")
    assert response.status_code == 302
    assert len(Comment.objects.get().user_name) == 245


def test_the_form_given_back_after_an_error_keeps_every_choice_and_posts(client, post, settings):
    settings.INKWELL_COMMENT_MIN_SECONDS = 0  # the form given back is resent at once
    parent = CommentFactory(content_object=post)
    response = post_comment(
        client, post, email="not-an-address", followup="on", reply_to=str(parent.pk)
    )
    assert response.status_code == 400
    data = form_values(response.content.decode(), "commentform")
    assert (data["followup"], data["reply_to"], data["honeypot"]) == ("on", str(parent.pk), "")
    assert data["comment"] == "Lovely piece, thank you."
    data["email"] = "juno@example.com"
    response = client.post("/comments/post/", data, REMOTE_ADDR=reader_address())
    assert response.status_code == 302
    comment = Comment.objects.exclude(pk=parent.pk).get()
    assert comment.followup and comment.parent_id == parent.pk


def test_form_tokens_are_signed_as_djangos_signer_checks_them(settings, post):
    token = forms.make_token(post.pk)
    assert signing.Signer(salt=forms.TOKEN_SALT).unsign(token).startswith(f"{post.pk}:")
    with pytest.raises(signing.BadSignature):
        forms._signer().unsign(token[:-1] + ("B" if token.endswith("A") else "A"))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a newer secret key for this site, long enough to be accepted"
    assert forms._signer().unsign(token).startswith(f"{post.pk}:")  # served before the change
