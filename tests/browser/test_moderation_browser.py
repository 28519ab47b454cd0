"""Moderation end to end: a held comment, an editor's approval, a reply deep in a thread."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 3100  # the comment form refuses submissions sooner than 3 s after loading


def let_flood_window_pass():
    Comment.objects.update(submit_date=timezone.now() - datetime.timedelta(seconds=30))


def write_comment(page, text, name, email):
    page.fill("#comment", text)
    page.fill("#author", name)
    page.fill("#email", email)
    page.wait_for_timeout(WAIT_MS)
    page.click("#submit")


def test_held_comment_approved_by_an_editor_then_a_deep_reply(live_server, browser, artifacts):
    post = PostFactory(title="Bridge reopening")
    root = CommentFactory(content_object=post, user_name="Ama", comment="When does it open?")
    second = CommentFactory(
        content_object=post, parent_id=root.pk, user_name="Bo", comment="Monday, I heard."
    )
    CommentFactory(user_name="Cy Returning", user_email="cy@example.com", comment="Old one.")
    let_flood_window_pass()
    url = live_server.url + post.get_absolute_url()

    newcomer = browser.new_page()
    newcomer.goto(url)
    write_comment(newcomer, "First time here: lovely bridge.", "Dee New", "dee@example.com")
    held = Comment.objects.get(user_name="Dee New")
    assert held.state == "pending"
    expect(newcomer.locator(f"#comment-{held.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )
    other_reader = browser.new_page()
    other_reader.goto(url)
    expect(other_reader.locator("#comments")).to_have_text(re.compile("2 Responses"))
    expect(other_reader.locator(f"#comment-{held.pk}")).to_have_count(0)

    get_user_model().objects.create_superuser("editor", "editor@example.com", "harbour-lights-9")
    editor = browser.new_page()
    editor.goto(live_server.url + "/wp-admin/")
    editor.fill("#id_username", "editor")
    editor.fill("#id_password", "harbour-lights-9")
    editor.click("input[type=submit]")
    expect(editor.locator("body")).to_contain_text("Comments (1)")
    editor.set_viewport_size({"width": 1280, "height": 900})
    editor.goto(live_server.url + "/admin/comments/comment/")
    row = editor.locator("#result_list tr", has_text="First time here")
    expect(row.locator(".comment-pending")).to_be_visible()
    editor.screenshot(path=artifacts / "admin-comments-1280.png", full_page=True)
    row.hover()
    row.locator("a.row-action", has_text="Approve").click()
    expect(editor.locator(".messagelist")).to_contain_text("1 comment approved.")
    editor.set_viewport_size({"width": 390, "height": 844})
    editor.screenshot(path=artifacts / "admin-comments-390.png", full_page=True)

    let_flood_window_pass()
    reader = browser.new_page()
    reader.goto(url)
    expect(reader.locator(f"#comment-{held.pk} .comment-content")).to_have_text(
        "First time here: lovely bridge."
    )
    reader.click(f"#comment-{second.pk} .comment-reply-link")
    expect(reader.locator("#reply-title")).to_contain_text("Leave a Reply to Bo")
    write_comment(reader, "Confirmed: Monday at six.", "Cy Returning", "cy@example.com")
    reply = Comment.objects.get(comment="Confirmed: Monday at six.")
    assert (reply.state, reply.level) == ("approved", 2)
    in_place = reader.locator(f"#comment-{second.pk} > ol.children > #comment-{reply.pk}")
    expect(in_place).to_have_class(re.compile("depth-3"))
    expect(in_place).to_contain_text("Confirmed: Monday at six.")
    reader.screenshot(path=artifacts / "post-after-moderation.png", full_page=True)
