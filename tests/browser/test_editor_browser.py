"""An editor's day in a real browser, WordPress's way: Add Media (upload, insert with a
caption), a featured image, Save Draft, Preview, Schedule, Publish, and the post on the site."""

import datetime

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from blog.models import Media, Post
from tests.factories import CategoryFactory
from tests.roles import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pick(page, field, text):
    """Choose `text` in the admin's autocomplete (Select2) widget for `field`."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/wp-login.php")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    expect(page.locator("#dashboard")).to_contain_text("At a Glance")


def set_date(page, moment):
    page.fill("#id_published_at_0", f"{moment:%Y-%m-%d}")
    page.fill("#id_published_at_1", f"{moment:%H:%M:%S}")
    page.locator("#id_published_at_1").dispatch_event("change")


def test_editor_illustrates_drafts_previews_schedules_and_publishes(
    live_server, browser, tmp_path, artifacts
):
    editor = user_with_role("Editor", "ada")
    CategoryFactory(name="Harbour News", slug="harbour-news")
    picture = tmp_path / "quay.png"
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(picture)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    sign_in(page, live_server, editor)

    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("#id_title", "Night ferry returns")
    page.locator('.ProseMirror[contenteditable="true"]').click()
    page.keyboard.type("The night ferry is back on the timetable from Monday.")

    # Add Media: upload by the dialog, then insert with a caption at the cursor.
    page.click("button.inkwell-add-media")
    dialog = page.locator("dialog.inkwell-media")
    expect(dialog).to_be_visible()
    dialog.locator("input[type=file]").set_input_files(str(picture))
    expect(dialog.locator(".inkwell-details")).to_contain_text("Attachment details")
    page.screenshot(path=artifacts / "editor-media-dialog-1280.png")
    dialog.locator("#inkwell-alt").fill("The quay at dusk")
    dialog.locator("#inkwell-caption").fill("The quay, photographed from the ferry")
    dialog.locator("#inkwell-size").select_option("medium")
    dialog.locator("button:has-text('Insert into post')").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".ProseMirror figure img")).to_have_attribute("alt", "The quay at dusk")
    item = Media.objects.get()

    # The same dialog sets the featured image.
    page.click("button:has-text('Set featured image')")
    expect(dialog).to_be_visible()
    dialog.locator(".inkwell-tile").first.click()
    dialog.locator("button:has-text('Set featured image')").click()
    expect(page.locator(".inkwell-featured img")).to_be_visible()
    pick(page, "categories", "Harbour News")

    page.click("button[name=_save_draft]")
    expect(page.locator(".messagelist")).to_contain_text("Post draft updated.")
    post = Post.objects.get()
    assert post.status == "draft" and post.featured_image == item
    assert f'class="wp-image-{item.pk}' in post.body and "wp-caption-text" in post.body

    with page.expect_popup() as popup:
        page.click("input.preview-button")
    preview = popup.value
    expect(preview.locator("h1.entry-title")).to_have_text("Night ferry returns")
    expect(preview.locator(".entry figcaption")).to_have_text(
        "The quay, photographed from the ferry"
    )
    preview.close()

    set_date(page, timezone.localtime() + datetime.timedelta(days=1))
    expect(page.locator("button[name=_publish]")).to_have_text("Schedule")
    page.click("button[name=_publish]")
    expect(page.locator(".messagelist")).to_contain_text("Post scheduled for:")
    post.refresh_from_db()
    assert post.status == "future"
    reader = browser.new_page()
    assert reader.goto(live_server.url + post.get_absolute_url()).status == 404

    set_date(page, timezone.localtime() - datetime.timedelta(minutes=1))
    page.click("button[name=_update]")
    expect(page.locator(".messagelist")).to_contain_text("Post updated.")
    post.refresh_from_db()
    assert post.status == "publish"
    page.screenshot(path=artifacts / "editor-post-form-1280.png", full_page=True)

    reader.goto(live_server.url + "/")
    reader.click("text=Night ferry returns")
    expect(reader.locator("h1.entry-title")).to_have_text("Night ferry returns")
    expect(reader.locator(".entry figure.wp-caption img")).to_have_attribute(
        "srcset", item.srcset()
    )
    expect(reader.locator("figure.featured-image img")).to_have_attribute("alt", "The quay at dusk")

    narrow = browser.new_page(viewport={"width": 390, "height": 844})
    narrow.context.add_cookies(page.context.cookies())
    narrow.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    narrow.screenshot(path=artifacts / "editor-post-form-390.png", full_page=True)
    narrow.click("button.inkwell-add-media")
    narrow.screenshot(path=artifacts / "editor-media-dialog-390.png")
    page.goto(live_server.url + "/admin/")
    page.screenshot(path=artifacts / "admin-dashboard-1280.png", full_page=True)
    widgets = page.locator("#dashboard").bounding_box()
    assert widgets["x"] + widgets["width"] > 900  # the widgets use the width, not 600 px
    narrow.goto(live_server.url + "/admin/")
    narrow.screenshot(path=artifacts / "admin-dashboard-390.png", full_page=True)
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    assert narrow.evaluate(overflow) <= 0


def test_contributor_submits_for_review_and_cannot_upload(live_server, browser):
    contributor = user_with_role("Contributor", "cato")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, contributor)
    page.goto(live_server.url + "/admin/blog/post/add/")
    assert page.locator("button.inkwell-add-media").count() == 0
    page.fill("#id_title", "Tide tables for March")
    page.locator('.ProseMirror[contenteditable="true"]').click()
    page.keyboard.type("High water times.")
    expect(page.locator("button[name=_publish]")).to_have_text("Submit for Review")
    page.click("button[name=_publish]")
    expect(page.locator(".messagelist")).to_contain_text("Post submitted.")
    assert Post.objects.get().status == "pending"
