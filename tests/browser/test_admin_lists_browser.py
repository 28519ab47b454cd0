"""Every list of the editor's desk fits 1280 px with all its columns, and at 390 px the page
never scrolls sideways (a wide table scrolls inside its own box) with search and bulk actions
in reach. Screenshots of each go to tests/artifacts/."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from blog.models import Media, Page
from comments.models import Comment
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTS = {
    "posts": "/admin/blog/post/",
    "pages": "/admin/blog/page/",
    "comments": "/admin/comments/comment/",
    "media": "/admin/blog/media/",
    "categories": "/admin/blog/category/",
    "tags": "/admin/blog/tag/",
    "users": "/admin/auth/user/",
    "imports": "/admin/blog/importjob/",
}

# What overflows: the document sideways, and the results table past its own box.
MEASURE = """() => {
  const table = document.querySelector('#result_list');
  const box = table && table.closest('.results');
  const headers = table ? [...table.querySelectorAll('thead th')] : [];
  const right = box ? box.getBoundingClientRect().right : 0;
  return {
    page: document.documentElement.scrollWidth - window.innerWidth,
    table: table ? Math.round(table.getBoundingClientRect().width - box.clientWidth) : 0,
    hidden: headers.filter(th => th.getBoundingClientRect().right > right + 1)
                   .map(th => th.textContent.trim()),
    rows: table ? table.querySelectorAll('tbody tr').length : 0,
  };
}"""


def fill_the_desk():
    user = get_user_model().objects.create_superuser(
        "editor", "editor@example.com", "harbour-lights-9", first_name="Mara", last_name="Quill"
    )
    category, tag = CategoryFactory(name="Harbour works"), TagFactory(name="ferries")
    for n in range(3):
        post = PostFactory(
            title=f"A rather long post title about the new ferry timetable, part {n + 1}",
            categories=[category],
        )
        post.tags.set([tag])
        CommentFactory(
            content_object=post,
            state="pending" if n else "approved",
            user_name="Ama Longname-Reader",
            user_email="ama.longname.reader@example.com",
            comment="A comment long enough to wrap over more than one line of the list " * 3,
        )
    Page.objects.create(title="About the harbour office", status="publish", author=user)
    uploader = Client()
    uploader.force_login(user)
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 90, 160)).save(picture, "JPEG")
    upload = SimpleUploadedFile("harbour-at-dusk.jpg", picture.getvalue(), "image/jpeg")
    fields = {"upload": upload, "title": "Harbour at dusk", "alt_text": "", "caption": ""}
    assert uploader.post("/admin/blog/media/add/", fields).status_code == 302
    assert Comment.objects.count() == 3 and Media.objects.count() == 1


def sign_in(page, live_server):
    page.goto(live_server.url + "/wp-admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "harbour-lights-9")
    page.click("input[type=submit]")
    page.wait_for_selector("#content")


def test_every_list_fits_1280_and_is_usable_at_390(
    live_server, browser, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fill_the_desk()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server)
    for name, path in LISTS.items():
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.goto(live_server.url + path)
            assert page.locator("#changelist").count() == 1, f"{name}: no list at {path}"
            measured = page.evaluate(MEASURE)
            page.screenshot(path=artifacts / f"admin-{name}-{width}.png", full_page=True)
            assert measured["page"] <= 0, f"{name} at {width} px scrolls sideways"
            if width == 1280:
                assert measured["table"] <= 0 and not measured["hidden"], (name, measured)
            if measured["rows"]:
                assert page.locator("#changelist-search input[type=text]").first.is_visible()
    context.close()
