"""Fuzzing the admin as a superuser: list filters, search and ordering parameters, object IDs
in URLs, Inkwell's own admin pages (compare, preview, reply, moderate) and bulk actions."""

from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from hypothesis import example, given
from hypothesis import strategies as st

from comments.models import Comment
from tests.factories import CategoryFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=5000).map(lambda n: "9" * n),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=4),
)
values = st.one_of(any_text, numbers, st.sampled_from(["", "0", "1", "2024-03", "True", "-1"]))

CHANGELISTS = {
    "/admin/blog/post/": [
        "status__exact",
        "categories__id__exact",
        "author__id__exact",
        "month",
        "is_sticky__exact",
    ],
    "/admin/blog/page/": ["status__exact", "author__id__exact", "month"],
    "/admin/blog/media/": ["mime_type__exact", "uploaded_at__gte", "uploaded_at__lt"],
    "/admin/blog/category/": [],
    "/admin/blog/tag/": [],
    "/admin/comments/comment/": [
        "state__exact",
        "kind__exact",
        "object_pk",
        "submit_date__gte",
        "submit_date__lt",
        "submit_date__year",
        "submit_date__month",
        "submit_date__day",
    ],
    "/admin/auth/user/": ["is_staff__exact", "groups__id__exact"],
    "/admin/blog/importjob/": [],
}
COMMON = ["q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters"]


@pytest.fixture
def admin_site(db, client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    post = PostFactory(author=user, categories=[CategoryFactory()])
    CommentFactory(content_object=post)
    return client, post


def get(client, url, **params):
    response = client.get(url + ("?" + urlencode(params) if params else ""))
    assert response.status_code < 500, url
    return response


@given(
    changelist=st.sampled_from(sorted(CHANGELISTS)),
    data=st.data(),
)
def test_list_filters_search_and_ordering(admin_site, changelist, data):
    client, _ = admin_site
    names = st.one_of(st.sampled_from(CHANGELISTS[changelist] + COMMON), any_text)
    params = data.draw(st.dictionaries(names, values, max_size=4))
    get(client, changelist, **params)


@given(data=st.data())
@example(data=None)
def test_each_filter_with_any_number(admin_site, data):
    client, _ = admin_site
    if data is None:
        changelist, name, number = "/admin/comments/comment/", "submit_date__year", "2147483648"
    else:
        changelist = data.draw(st.sampled_from(sorted(CHANGELISTS)))
        name = data.draw(st.sampled_from(CHANGELISTS[changelist] + ["p", "o"]))
        number = data.draw(numbers)
    get(client, changelist, **{name: number})


OBJECT_PAGES = [
    "/admin/blog/post/{id}/change/",
    "/admin/blog/post/{id}/history/",
    "/admin/blog/post/{id}/delete/",
    "/admin/blog/post/{id}/compare/",
    "/admin/blog/page/{id}/change/",
    "/admin/blog/media/{id}/change/",
    "/admin/blog/category/{id}/change/",
    "/admin/comments/comment/{id}/change/",
    "/admin/comments/comment/{id}/reply/",
    "/admin/comments/comment/{id}/moderate/approve/",
    "/admin/comments/comment/{id}/history/",
    "/admin/blog/importjob/{id}/change/",
    "/admin/auth/user/{id}/change/",
]


@given(page=st.sampled_from(OBJECT_PAGES), object_id=st.one_of(numbers, any_text))
@example(page="/admin/comments/comment/{id}/reply/", object_id="9" * 25)
@example(page="/admin/comments/comment/{id}/moderate/approve/", object_id="9" * 25)
@example(page="/admin/comments/comment/{id}/change/", object_id="9" * 25)
def test_object_pages_with_any_id(admin_site, page, object_id):
    client, _ = admin_site
    get(client, page.format(id=quote(object_id, safe="")))


@given(a=values, b=values)
def test_revision_compare_with_any_ids(admin_site, a, b):
    client, post = admin_site
    get(client, f"/admin/blog/post/{post.pk}/compare/", a=a, b=b)


@given(
    term=any_text,
    app_label=st.sampled_from(["blog", "comments", "auth", ""]),
    model_name=st.sampled_from(["post", "media", "category", "tag", "comment", "user", "x"]),
    field_name=st.sampled_from(["featured_image", "categories", "tags", "author", "x", ""]),
)
def test_autocomplete_with_any_term(admin_site, term, app_label, model_name, field_name):
    client, _ = admin_site
    params = {"term": term, "app_label": app_label, "model_name": model_name}
    get(client, "/admin/autocomplete/", field_name=field_name, **params)


ACTIONS = {
    "/admin/blog/post/": ["publish", "move_to_draft", "move_to_trash", "restore", "stick"],
    "/admin/comments/comment/": ["approve", "unapprove", "mark_spam", "move_to_trash"],
}


@given(
    changelist=st.sampled_from(sorted(ACTIONS)),
    action=st.one_of(st.sampled_from(["delete_selected", "x"]), any_text),
    selected=st.lists(st.one_of(numbers, any_text), max_size=3),
    index=values,
)
def test_bulk_actions_with_any_selection(admin_site, changelist, action, selected, index):
    client, _ = admin_site
    comments = Comment.objects.count()
    data = {"action": action, "_selected_action": selected, "index": index}
    response = client.post(changelist, data)
    assert response.status_code < 500
    assert Comment.objects.count() == comments  # nothing named by a bad ID is touched


@given(
    fields=st.dictionaries(
        st.sampled_from(["title", "slug", "body", "status", "published_at_0", "published_at_1"]),
        values,
        max_size=4,
    )
)
def test_preview_of_any_form(admin_site, fields):
    client, post = admin_site
    response = client.post(f"/admin/blog/post/{post.pk}/preview/", fields)
    assert response.status_code < 500
