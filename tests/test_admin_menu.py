"""The admin's menu in WordPress's order and words, by role; developer models only for
superusers; Tools → Export gives a WordPress export."""

import pytest

from blog.roles import ADMINISTRATOR, AUTHOR
from tests.factories import PostFactory
from tests.roles import user_with_role

pytestmark = pytest.mark.django_db


def sections(client):
    return [app["name"] for app in client.get("/admin/").context["app_list"]]


def test_menu_follows_wordpress_and_hides_developer_models(client):
    client.force_login(user_with_role(ADMINISTRATOR, "ada"))
    assert sections(client) == [
        "Posts", "Media", "Pages", "Comments", "Appearance", "Users", "Tools", "Settings",
    ]  # fmt: skip
    html = client.get("/admin/").content.decode()
    assert "Groups" not in html and "Task results" not in html.lower()


def test_superusers_get_the_developer_section(admin_client):
    assert sections(admin_client)[-1] == "Developer tools (superusers)"


def test_authors_see_only_their_part(client):
    client.force_login(user_with_role(AUTHOR, "wren"))
    assert sections(client) == ["Posts", "Media", "Comments", "Users"]


def test_tools_export_downloads_a_wordpress_export(client):
    client.force_login(user_with_role(ADMINISTRATOR, "ada"))
    PostFactory(title="Exported words")
    page = client.get("/admin/blog/importjob/export/")
    assert page.status_code == 200
    response = client.post("/admin/blog/importjob/export/")
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert b"Exported words" in response.content and b"<wp:wxr_version>1.2" in response.content
