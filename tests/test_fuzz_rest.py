"""Fuzzing the REST API over its own route table: any route, any query argument, any JSON
body, as the public and as an administrator with an application password. Every answer is
JSON, success or WordPress's error body, never a server error, and a refused write leaves
nothing behind."""

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blog.models import Post
from blog.roles import ADMINISTRATOR
from tests.factories import CategoryFactory, CommentFactory, PostFactory
from tests.roles import user_with_role
from wordpress.models import ApplicationPassword
from wordpress.rest.views import ROUTES

pytestmark = pytest.mark.django_db

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
ARGS = ["page", "per_page", "search", "include", "exclude", "order", "orderby", "slug", "status",
        "context", "categories", "tags", "author", "after", "before", "parent", "sticky",
        "_fields", "_embed", "password", "force", "post", "hide_empty", "type", "url",
        "maxwidth", "format"]  # fmt: skip
query = st.dictionaries(
    st.sampled_from(ARGS),
    st.one_of(text, st.integers(-(10**20), 10**20).map(str), st.sampled_from(["", "0", "1"])),
    max_size=4,
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), text),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(text, children, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = ["title", "content", "excerpt", "status", "date", "date_gmt", "slug", "password",
          "author", "comment_status", "ping_status", "sticky", "categories", "tags",
          "featured_media", "parent", "menu_order", "name", "description", "post", "id",
          "posts_per_page", "timezone", "show_on_front"]  # fmt: skip
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5)


def concrete(pattern, pk):
    return (
        pattern.replace(r"(?P<pk>\d{1,18})", str(pk))
        .replace(r"(?P<pk>\d{1,18}|me)", "me")
        .replace(r"(?P<pk>[\w-]+)", "post")
    )


@pytest.fixture
def site(db):
    post = PostFactory(categories=[CategoryFactory()])
    CommentFactory(content_object=post)
    return post


@pytest.fixture
def admin_auth(db):
    admin = user_with_role(ADMINISTRATOR, "root")
    _record, plain = ApplicationPassword.create_for(admin, "fuzz")
    return "Basic " + base64.b64encode(f"root:{plain}".encode()).decode()


@given(route=st.sampled_from([pattern for pattern, *_ in ROUTES]), args=query)
def test_any_read_is_json_and_never_a_server_error(client, site, route, args):
    response = client.get(f"/wp-json/{concrete(route, site.pk)}", args)
    assert response.status_code < 500, (route, args)
    json.loads(response.content)


@given(
    route=st.sampled_from([p for p, _view, methods, _ in ROUTES if "POST" in methods]),
    method=st.sampled_from(["post", "put", "patch", "delete"]),
    body=bodies,
)
def test_any_write_is_a_clear_answer(client, site, admin_auth, route, method, body):
    before = Post.objects.count()
    response = getattr(client, method)(
        f"/wp-json/{concrete(route, site.pk)}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=admin_auth,
    )
    assert response.status_code < 500, (route, method, body, response.content[:300])
    answer = json.loads(response.content)
    if response.status_code >= 400:
        assert set(answer) == {"code", "message", "data"}
        assert Post.objects.count() == before


@given(body=st.binary(max_size=200))
def test_malformed_bodies_are_rest_invalid_json(client, site, body):
    response = client.post("/wp-json/wp/v2/posts", body, content_type="application/json")
    assert response.status_code in (400, 401)
