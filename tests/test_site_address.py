"""Links that go where the site is: every absolute URL from one place (the request's address,
else INKWELL_SITE_URL), every "View on site" working, moderation mail to the Administration
Email Address and the post's author."""

import pytest
from django.contrib.sites.models import Site
from django.core import mail

from blog.models import SiteOptions
from blog.roles import AUTHOR
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory, comment_form_data
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db


def test_view_on_site_for_entries_and_comments(admin_client):
    post = PostFactory()
    comment = CommentFactory(content_object=post)
    page = admin_client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert f'href="{post.get_absolute_url()}" class="viewsitelink"' in page
    assert "example.com" not in page
    page = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert f'href="{post.get_absolute_url()}#comment-{comment.pk}"' in page
    assert admin_client.get(comment.get_absolute_url()).status_code == 200


def test_the_sites_framework_names_this_site(settings):
    assert Site.objects.get_current().domain != "example.com"


def test_held_comments_notify_the_administration_address_and_the_author(
    client, settings, django_capture_on_commit_callbacks
):
    settings.INKWELL_SITE_URL = "http://blog.test:9000"
    options = SiteOptions.get()
    options.admin_email = "desk@example.com"
    options.save()
    author = user_with_role(AUTHOR, "wren")
    author.email = "wren@example.com"
    author.save()
    post = PostFactory(author=author)
    UserFactory(username="root", email="root@example.com", is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        data = comment_form_data(post, comment="Please hold this one.")
        client.post("/comments/post/", data, REMOTE_ADDR="198.51.100.9")
    for callback in callbacks:  # as the worker runs them: no request, the public address
        callback()
    held = Comment.objects.get()
    assert held.state == "pending"
    assert [sorted(m.to) for m in mail.outbox] == [["desk@example.com", "wren@example.com"]]
    assert f"http://blog.test:9000/admin/comments/comment/{held.pk}/moderate/approve/" in (
        mail.outbox[0].body
    )


def test_the_first_administrator_is_the_default_address(db):
    UserFactory(username="first", email="first@example.com", is_staff=True, is_superuser=True)
    UserFactory(username="second", email="second@example.com", is_staff=True, is_superuser=True)
    assert SiteOptions.get().administration_email() == "first@example.com"
