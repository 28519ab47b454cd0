"""Every wp/v2 route answers with the fields WordPress documents for it (tests/contracts/
wp_v2.json, written from the REST API Handbook), with the types its clients rely on."""

import json
from pathlib import Path

import pytest
from django.utils import timezone

from blog.models import Media
from blog.roles import ADMINISTRATOR
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory
from tests.roles import user_with_role

CONTRACTS = json.loads((Path(__file__).parent / "contracts" / "wp_v2.json").read_text())
ROUTES = sorted(name for name in CONTRACTS if not name.startswith("_"))
INTEGER_FIELDS = {"id", "author", "featured_media", "parent", "menu_order", "post", "count"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    post = PostFactory(title="Harbour", categories=[CategoryFactory()])
    tag = TagFactory()
    post.tags.add(tag)
    page = PostFactory(post_type="page", title="About")
    comment = CommentFactory(content_object=post)
    media = Media.objects.create(
        title="Quay", mime_type="image/png", file="quay.png", width=10, height=10,
        uploaded_at=timezone.now(),
    )  # fmt: skip
    return {
        "post": post.pk, "page": page.pk, "category": post.categories.get().pk, "tag": tag.pk,
        "user": post.author_id, "comment": comment.pk, "media": media.pk,
    }  # fmt: skip


@pytest.mark.parametrize("name", ROUTES)
def test_route_answers_with_the_documented_fields(client, site, name):
    contract = CONTRACTS[name]
    if contract.get("admin"):
        client.force_login(user_with_role(ADMINISTRATOR, "root"))
        nonce = client.get("/wp-admin/admin-ajax.php", {"action": "rest-nonce"}).content.decode()
        response = client.get(f"/wp-json/{contract['route']}", HTTP_X_WP_NONCE=nonce)
    else:
        query = {"search": "Harbour"} if contract.get("collection") else {}
        response = client.get(f"/wp-json/{contract['route'].format(**site)}", query)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    items = body if contract.get("collection") else [body]
    assert items, name
    for item in items:
        assert set(contract["fields"]) <= set(item), set(contract["fields"]) - set(item)
        for field in INTEGER_FIELDS & set(item) & set(contract["fields"]):
            if name == "media" and field == "post" and item[field] is None:
                continue  # WordPress: null for media attached to nothing
            assert isinstance(item[field], int) and not isinstance(item[field], bool), field
        for field in ("title", "content", "excerpt", "guid"):
            if field in contract["fields"] and isinstance(item.get(field), dict):
                assert isinstance(item[field]["rendered"], str)
