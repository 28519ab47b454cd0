"""An editor's day in a real browser: upload an image, write, schedule, preview, publish."""

import datetime
import re

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


def test_editor_writes_schedules_previews_and_publishes(live_server, browser, tmp_path, artifacts):
    editor = user_with_role("Editor", "ada")
    CategoryFactory(name="Harbour News", slug="harbour-news")
    picture = tmp_path / "quay.png"
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(picture)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})

    page.goto(live_server.url + "/wp-login.php")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    expect(page.locator("#dashboard")).to_contain_text("At a Glance")

    page.goto(live_server.url + "/admin/blog/media/add/")
    page.set_input_files("#id_upload", str(picture))
    page.fill("#id_alt_text", "The quay at dusk")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Media.objects.get().sizes

    page.goto(live_server.url + "/admin/blog/post/add/")
    page.fill("#id_title", "Night ferry returns")
    editor_area = page.locator('.ProseMirror[contenteditable="true"]')
    editor_area.click()
    page.keyboard.type("The night ferry is back on the timetable from Monday.")
    pick(page, "categories", "Harbour News")
    pick(page, "featured_image", "quay")
    page.select_option("#id_status", "publish")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    page.fill("#id_published_at_0", f"{tomorrow:%Y-%m-%d}")
    page.fill("#id_published_at_1", "09:00:00")

    with page.expect_popup() as popup:
        page.click("input.preview-button")
    preview = popup.value
    expect(preview.locator("h1.entry-title")).to_have_text("Night ferry returns")
    expect(preview.locator(".entry")).to_contain_text("The night ferry is back")
    expect(preview.locator("p.postmetadata")).to_contain_text("Harbour News")
    preview.screenshot(path=artifacts / "editor-preview.png", full_page=True)
    preview.close()
    assert not Post.objects.exists()

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get()
    assert post.status == "future"
    assert post.featured_image is not None and list(
        post.categories.values_list("name", flat=True)
    ) == ["Harbour News"]
    reader = browser.new_page()
    assert reader.goto(live_server.url + post.get_absolute_url()).status == 404

    now = timezone.localtime() - datetime.timedelta(minutes=1)
    page.fill("#id_published_at_0", f"{now:%Y-%m-%d}")
    page.fill("#id_published_at_1", f"{now:%H:%M:%S}")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.screenshot(path=artifacts / "editor-post-form.png", full_page=True)
    post.refresh_from_db()
    assert post.status == "publish"

    reader.goto(live_server.url + "/")
    reader.click("text=Night ferry returns")
    expect(reader.locator("h1.entry-title")).to_have_text("Night ferry returns")
    expect(reader.locator("figure.featured-image img")).to_have_attribute("alt", "The quay at dusk")
    expect(reader.locator("p.postmetadata")).to_contain_text(re.compile("Harbour News"))

    page.goto(live_server.url + "/admin/")
    page.screenshot(path=artifacts / "admin-dashboard.png", full_page=True)
    page.goto(live_server.url + f"/admin/blog/post/{post.pk}/change/")
    page.screenshot(path=artifacts / "admin-post-stats.png", full_page=True)
