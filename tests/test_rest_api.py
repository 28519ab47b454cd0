"""WordPress's REST API, read side: shapes, pagination headers, filters, errors, discovery, and
the site's visibility rules (drafts, private and protected content never leak)."""

import datetime

import pytest
from django.utils import timezone

from blog.models import Status
from tests.factories import (
    CategoryFactory,
    CommentFactory,
    PostFactory,
    TagFactory,
    UserFactory,
)

POST_FIELDS = {
    "id", "date", "date_gmt", "guid", "modified", "modified_gmt", "slug", "status", "type",
    "link", "title", "content", "excerpt", "author", "featured_media", "comment_status",
    "ping_status", "sticky", "template", "format", "meta", "categories", "tags", "_links",
}  # fmt: skip


@pytest.mark.django_db
def test_post_has_wordpress_shape(client):
    category, tag = CategoryFactory(), TagFactory()
    post = PostFactory(title="Tides", body="<p>Low water at noon.</p>", categories=[category])
    post.tags.add(tag)
    data = client.get(f"/wp-json/wp/v2/posts/{post.pk}").json()
    assert set(data) == POST_FIELDS
    assert data["title"] == {"rendered": "Tides"}
    assert "Low water at noon." in data["content"]["rendered"]
    assert data["content"]["protected"] is False
    assert data["status"] == "publish" and data["type"] == "post"
    assert data["link"] == f"http://testserver{post.get_absolute_url()}"
    assert data["categories"] == [category.pk] and data["tags"] == [tag.pk]
    assert data["author"] == post.author_id
    assert data["_links"]["author"][0]["href"].endswith(f"/wp-json/wp/v2/users/{post.author_id}")
    assert datetime.datetime.fromisoformat(data["date_gmt"]).tzinfo is None


@pytest.mark.django_db
def test_collection_is_paginated_with_wordpress_headers(client):
    for _ in range(5):
        PostFactory()
    response = client.get("/wp-json/wp/v2/posts", {"per_page": 2, "page": 2})
    assert response.status_code == 200
    assert len(response.json()) == 2
    assert response["X-WP-Total"] == "5" and response["X-WP-TotalPages"] == "3"
    assert 'rel="prev"' in response["Link"] and 'rel="next"' in response["Link"]


@pytest.mark.django_db
def test_per_page_over_100_and_pages_past_the_end_are_wordpress_errors(client):
    PostFactory()
    response = client.get("/wp-json/wp/v2/posts", {"per_page": 101})
    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_param"
    assert "per_page" in response.json()["data"]["params"]
    response = client.get("/wp-json/wp/v2/posts", {"page": 9})
    assert response.status_code == 400
    assert response.json()["code"] == "rest_post_invalid_page_number"


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.PRIVATE, Status.TRASH])
def test_unpublished_entries_are_invalid_ids_for_the_public(client, status):
    hidden = PostFactory(status=status, title="Secret plans")
    response = client.get(f"/wp-json/wp/v2/posts/{hidden.pk}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "rest_post_invalid_id",
        "message": "Invalid post ID.",
        "data": {"status": 404},
    }
    assert "Secret plans" not in client.get("/wp-json/wp/v2/posts").content.decode()


@pytest.mark.django_db
def test_scheduled_post_is_not_listed_before_its_time(client):
    PostFactory(title="Tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get("/wp-json/wp/v2/posts").json() == []


@pytest.mark.django_db
def test_protected_content_is_empty_until_the_password_is_given(client):
    post = PostFactory(password="kelp", body="<p>Hidden harbour.</p>", excerpt="Harbour")
    data = client.get(f"/wp-json/wp/v2/posts/{post.pk}").json()
    assert data["content"] == {"rendered": "", "protected": True}
    assert data["excerpt"] == {"rendered": "", "protected": True}
    listed = client.get("/wp-json/wp/v2/posts").content.decode()
    assert "Hidden harbour" not in listed and "Harbour" not in listed.replace("harbour", "")
    wrong = client.get(f"/wp-json/wp/v2/posts/{post.pk}", {"password": "nope"})
    assert wrong.status_code == 403
    right = client.get(f"/wp-json/wp/v2/posts/{post.pk}", {"password": "kelp"}).json()
    assert "Hidden harbour." in right["content"]["rendered"]


@pytest.mark.django_db
def test_filters_by_category_tag_author_slug_include_and_search(client):
    category, tag, author = CategoryFactory(), TagFactory(), UserFactory()
    first = PostFactory(title="Kelp forests", categories=[category], author=author)
    second = PostFactory(title="Sand dunes")
    second.tags.add(tag)

    def ids(**query):
        return [item["id"] for item in client.get("/wp-json/wp/v2/posts", query).json()]

    assert ids(categories=category.pk) == [first.pk]
    assert ids(tags=tag.pk) == [second.pk]
    assert ids(author=author.pk) == [first.pk]
    assert ids(slug=second.slug) == [second.pk]
    assert ids(search="kelp") == [first.pk]
    assert ids(exclude=first.pk) == [second.pk]
    assert sorted(ids(include=f"{first.pk},{second.pk}")) == sorted([first.pk, second.pk])
    assert ids(orderby="title", order="asc") == [first.pk, second.pk]


@pytest.mark.django_db
def test_fields_and_embed(client):
    post = PostFactory(title="Gulls", categories=[CategoryFactory(name="Birds")])
    data = client.get(f"/wp-json/wp/v2/posts/{post.pk}", {"_fields": "id,title.rendered"}).json()
    assert data == {"id": post.pk, "title": {"rendered": "Gulls"}}
    embedded = client.get(f"/wp-json/wp/v2/posts/{post.pk}", {"_embed": "1"}).json()["_embedded"]
    assert embedded["author"][0]["id"] == post.author_id
    assert embedded["wp:term"][0][0]["name"] == "Birds"


@pytest.mark.django_db
def test_terms_users_and_comments(client):
    category = CategoryFactory(name="Weather", slug="weather")
    post = PostFactory(categories=[category])
    PostFactory(status=Status.DRAFT, categories=[category])
    CommentFactory(content_object=post, comment="Lovely fog.")
    CommentFactory(content_object=post, comment="Held one.", state="pending")
    terms = client.get("/wp-json/wp/v2/categories", {"slug": "weather"}).json()
    assert terms[0]["count"] == 1 and terms[0]["taxonomy"] == "category"
    user = client.get(f"/wp-json/wp/v2/users/{post.author_id}").json()
    assert user["slug"] == post.author.username and "email" not in user
    found = client.get("/wp-json/wp/v2/comments", {"post": post.pk}).json()
    assert [c["content"]["rendered"].strip() for c in found] == ["<p>Lovely fog.</p>"]
    assert found[0]["status"] == "approved" and found[0]["post"] == post.pk


@pytest.mark.django_db
def test_users_me_needs_a_login(client):
    response = client.get("/wp-json/wp/v2/users/me")
    assert response.status_code == 401
    assert response.json()["code"] == "rest_not_logged_in"
    user = UserFactory()
    client.force_login(user)
    # A session cookie alone counts for nothing without WordPress's wp_rest nonce.
    assert client.get("/wp-json/wp/v2/users/me").status_code == 401
    nonce = client.get("/wp-admin/admin-ajax.php", {"action": "rest-nonce"}).content.decode()
    me = client.get("/wp-json/wp/v2/users/me", HTTP_X_WP_NONCE=nonce)
    assert me.json()["id"] == user.pk


@pytest.mark.django_db
def test_edit_context_needs_permission(client):
    post = PostFactory()
    response = client.get(f"/wp-json/wp/v2/posts/{post.pk}", {"context": "edit"})
    assert response.status_code == 401
    assert response.json()["code"] == "rest_forbidden_context"


@pytest.mark.django_db
def test_unknown_routes_and_methods_are_rest_no_route(client):
    for response in (
        client.get("/wp-json/wp/v2/nothing"),
        client.delete("/wp-json/wp/v2/types/post"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "rest_no_route"


@pytest.mark.django_db
def test_index_lists_routes_and_every_page_advertises_it(client):
    index = client.get("/wp-json/").json()
    assert "wp/v2" in index["namespaces"]
    assert "/wp/v2/posts" in index["routes"]
    assert index["routes"]["/wp/v2/posts"]["endpoints"][0]["args"]["per_page"] == {
        "required": False
    }
    for response in (client.get("/"), client.head("/")):
        assert response["Link"] == '<http://testserver/wp-json/>; rel="https://api.w.org/"'


@pytest.mark.django_db
def test_rest_route_query_form_reaches_the_same_routes(client):
    post = PostFactory()
    data = client.get("/", {"rest_route": f"/wp/v2/posts/{post.pk}"}).json()
    assert data["id"] == post.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", [{"page": "x"}, {"per_page": "0"}, {"include": "1,b"}, {"orderby": "nope"},
              {"after": "yesterday"}, {"page": "9" * 40}],
)  # fmt: skip
def test_bad_arguments_are_400s_not_500s(client, query):
    PostFactory()
    response = client.get("/wp-json/wp/v2/posts", query)
    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_param"
