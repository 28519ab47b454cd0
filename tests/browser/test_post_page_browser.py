"""A reader in a real browser: reads a post, comments, replies in place."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import SiteOptions
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_SECONDS_AFTER_LOAD = 3100  # ms: the comment form refuses faster submissions


def test_reader_posts_a_comment_and_a_reply(live_server, page, artifacts):
    options = SiteOptions.get()
    options.comment_previously_approved = False  # this site trusts first-time commenters
    options.save()
    post = PostFactory(title="Ferry timetable changes", ping_status="closed")
    CommentFactory(content_object=post, user_name="Early Reader", comment="Helpful, thanks.")
    page.goto(live_server.url + post.get_absolute_url())
    expect(page.locator("h1.entry-title")).to_have_text("Ferry timetable changes")
    expect(page.locator("p.postmetadata")).to_contain_text(
        "You can skip to the end and leave a response. Pinging is currently not allowed."
    )

    page.fill("#comment", "Does the winter timetable start in December?")
    page.fill("#author", "Pia Holm")
    page.fill("#email", "pia@example.com")
    page.wait_for_timeout(MIN_SECONDS_AFTER_LOAD)
    page.click("#submit")
    first = Comment.objects.get(user_name="Pia Holm")
    expect(page).to_have_url(re.compile(rf"#comment-{first.pk}$"))
    expect(page.locator(f"#comment-{first.pk} .comment-content")).to_have_text(
        "Does the winter timetable start in December?"
    )
    expect(page.locator("#comments")).to_contain_text("2 Responses")

    page.click(f"#comment-{first.pk} .comment-reply-link")
    expect(page.locator("#reply-title")).to_contain_text("Leave a Reply to Pia Holm")
    expect(page.locator(f"#comment-{first.pk} #respond")).to_be_visible()
    page.fill("#comment", "Yes, from the first Monday.")
    page.fill("#author", "Ola Berg")
    page.fill("#email", "ola@example.com")
    page.wait_for_timeout(MIN_SECONDS_AFTER_LOAD)
    # Both readers share 127.0.0.1: let the second one arrive after the flood window.
    Comment.objects.update(submit_date=timezone.now() - datetime.timedelta(seconds=20))
    page.click("#submit")
    reply = Comment.objects.get(user_name="Ola Berg")
    assert reply.parent_id == first.pk
    nested = page.locator(f"#comment-{first.pk} > ol.children > #comment-{reply.pk}")
    expect(nested).to_contain_text("Yes, from the first Monday.")
    expect(nested).to_have_class(re.compile(r"depth-2"))

    page.screenshot(path=artifacts / "post-page-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts / "post-page-phone.png", full_page=True)
