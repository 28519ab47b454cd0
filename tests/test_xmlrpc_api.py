"""WordPress's XML-RPC API (wp.*, metaWeblog.*, blogger.*, mt.*): the methods desktop editors
and scripts call, with WordPress's structs and fault codes, under each role's rules."""

import io
import xmlrpc.client

import pytest
from PIL import Image

from blog.models import Category, Media, Post, SiteOptions, Status
from blog.roles import AUTHOR, CONTRIBUTOR, EDITOR
from comments.models import State
from tests.factories import CommentFactory, PostFactory
from tests.roles import user_with_role
from wordpress.models import ApplicationPassword

PASSWORD = "pw-for-tests-only"


def call(client, method, *params):
    body = xmlrpc.client.dumps(params, method, allow_none=False)
    response = client.post("/xmlrpc.php", body, content_type="text/xml")
    assert response.status_code == 200
    return xmlrpc.client.loads(response.content)[0][0]


def fault(client, method, *params):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call(client, method, *params)
    return caught.value.faultCode, caught.value.faultString


@pytest.fixture
def author(db):
    return user_with_role(AUTHOR)


@pytest.fixture
def contributor(db):
    return user_with_role(CONTRIBUTOR)


@pytest.fixture
def editor(db):
    return user_with_role(EDITOR)


@pytest.mark.django_db
def test_every_served_method_is_listed_and_multicall_is_absent(client):
    listed = call(client, "mt.supportedMethods")
    assert listed == call(client, "system.listMethods")
    for name in ("wp.getPosts", "wp.newPost", "metaWeblog.newMediaObject", "blogger.deletePost",
                 "mt.publishPost", "wp.getComments", "wp.uploadFile", "pingback.ping"):  # fmt: skip
        assert name in listed
    assert "system.multicall" not in listed
    assert fault(client, "system.multicall", [])[0] == -32601


def test_bad_login_is_fault_403(client, author):
    assert fault(client, "wp.getUsersBlogs", "author", "wrong") == (
        403,
        "Incorrect username or password.",
    )
    blogs = call(client, "wp.getUsersBlogs", "author", PASSWORD)
    assert blogs[0]["blogid"] == "1" and blogs[0]["xmlrpc"].endswith("/xmlrpc.php")
    assert call(client, "blogger.getUsersBlogs", "", "author", PASSWORD)[0]["isAdmin"] is False


def test_application_password_works_and_account_password_can_be_switched_off(client, author):
    _record, plain = ApplicationPassword.create_for(author, "Desk app")
    assert call(client, "wp.getUsersBlogs", "author", plain)
    options = SiteOptions.get()
    options.xmlrpc_account_passwords = False
    options.save()
    assert fault(client, "wp.getUsersBlogs", "author", PASSWORD)[0] == 403
    assert call(client, "wp.getUsersBlogs", "author", plain)
    record = ApplicationPassword.objects.get()
    assert record.last_used_at is not None and record.last_ip == "127.0.0.1"


def test_application_password_never_signs_in_to_the_admin(client, author):
    _record, plain = ApplicationPassword.create_for(author, "Desk app")
    client.post("/admin/login/", {"username": "author", "password": plain})
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_author_writes_publishes_edits_and_trashes_a_post(client, author):
    category = Category.objects.create(name="Harbour", slug="harbour")
    post_id = call(client, "wp.newPost", 1, "author", PASSWORD, {
        "post_title": "Morning tide", "post_content": "<p>Calm.</p><script>x()</script>",
        "post_status": "publish", "terms": {"category": [category.pk]},
        "terms_names": {"post_tag": ["boats"]},
    })  # fmt: skip
    post = Post.objects.get(pk=int(post_id))
    assert post.status == Status.PUBLISH and post.author == author
    assert "<script>" not in post.body and "Calm." in post.body
    assert [c.slug for c in post.categories.all()] == ["harbour"]
    assert [t.name for t in post.tags.all()] == ["boats"]
    struct = call(client, "wp.getPost", 1, "author", PASSWORD, post_id)
    assert struct["post_title"] == "Morning tide" and struct["post_status"] == "publish"
    assert isinstance(struct["post_date"], xmlrpc.client.DateTime)
    assert len(struct["post_date"].value) == len("20261125T17:28:00")
    assert {t["taxonomy"] for t in struct["terms"]} == {"category", "post_tag"}
    assert call(client, "wp.editPost", 1, "author", PASSWORD, post_id, {"post_title": "Noon"})
    assert Post.objects.get(pk=post.pk).title == "Noon"
    assert call(client, "wp.deletePost", 1, "author", PASSWORD, post_id) is True
    assert Post.objects.get(pk=post.pk).status == Status.TRASH


def test_contributor_may_not_publish_nor_touch_others_posts(client, contributor, author):
    assert fault(client, "wp.newPost", 1, "contributor", PASSWORD,
                 {"post_title": "Mine", "post_status": "publish"})[0] == 401  # fmt: skip
    draft_id = call(client, "wp.newPost", 1, "contributor", PASSWORD,
                    {"post_title": "Mine", "post_status": "pending"})  # fmt: skip
    assert Post.objects.get(pk=int(draft_id)).status == Status.PENDING
    others = PostFactory(author=author)
    assert fault(client, "wp.getPost", 1, "contributor", PASSWORD, str(others.pk))[0] == 401
    assert fault(client, "wp.editPost", 1, "contributor", PASSWORD, str(others.pk),
                 {"post_title": "Taken"})[0] == 401  # fmt: skip
    assert fault(client, "wp.deletePost", 1, "contributor", PASSWORD, str(others.pk))[0] == 401
    assert fault(client, "wp.newPost", 1, "contributor", PASSWORD,
                 {"post_title": "Pinned", "sticky": True})[0] == 401  # fmt: skip
    listed = call(client, "wp.getPosts", 1, "contributor", PASSWORD, {"number": 50})
    assert [p["post_id"] for p in listed] == [draft_id]


def test_invalid_ids_and_missing_arguments_are_wordpress_faults(client, author):
    assert fault(client, "wp.getPost", 1, "author", PASSWORD, "999999") == (404, "Invalid post ID.")
    assert fault(client, "wp.getPost", 1, "author", PASSWORD, "abc")[0] == 404
    assert fault(client, "wp.getPost", 1, "author")[0] == 400
    assert fault(client, "wp.getTerms", 1, "author", PASSWORD, "colour")[0] == 403


def test_metaweblog_round_trip(client, author):
    post_id = call(client, "metaWeblog.newPost", "1", "author", PASSWORD, {
        "title": "Gulls", "description": "<p>Teaser</p>", "mt_text_more": "<p>More</p>",
        "categories": [], "mt_keywords": "birds, coast", "mt_allow_comments": 0,
    }, True)  # fmt: skip
    post = Post.objects.get(pk=int(post_id))
    assert post.status == Status.PUBLISH and post.comment_status == "closed"
    assert "<!--more-->" in post.body
    struct = call(client, "metaWeblog.getPost", post_id, "author", PASSWORD)
    assert struct["description"] == "<p>Teaser</p>" and struct["mt_text_more"] == "<p>More</p>"
    assert sorted(struct["mt_keywords"].split(", ")) == ["birds", "coast"]
    recent = call(client, "metaWeblog.getRecentPosts", "1", "author", PASSWORD, 5)
    assert [p["postid"] for p in recent] == [post_id]
    assert call(
        client, "metaWeblog.editPost", post_id, "author", PASSWORD, {"title": "Terns"}, True
    )
    assert Post.objects.get(pk=post.pk).title == "Terns"
    assert call(client, "blogger.deletePost", "", post_id, "author", PASSWORD, True)
    assert Post.objects.get(pk=post.pk).status == Status.TRASH


def test_terms_and_categories(client, editor, author):
    term_id = call(client, "wp.newTerm", 1, "editor", PASSWORD,
                   {"taxonomy": "category", "name": "Weather"})  # fmt: skip
    assert fault(client, "wp.newTerm", 1, "author", PASSWORD,
                 {"taxonomy": "category", "name": "Nope"})[0] == 401  # fmt: skip
    terms = call(client, "wp.getTerms", 1, "author", PASSWORD, "category")
    assert [(t["term_id"], t["name"]) for t in terms] == [(term_id, "Weather")]
    assert (
        call(client, "wp.getTerm", 1, "author", PASSWORD, "category", term_id)["slug"] == "weather"
    )
    assert call(client, "mt.getCategoryList", 1, "author", PASSWORD) == [
        {"categoryId": term_id, "categoryName": "Weather"}
    ]
    post = PostFactory(author=author)
    assert call(client, "mt.setPostCategories", str(post.pk), "author", PASSWORD,
                [{"categoryId": term_id, "isPrimary": True}])  # fmt: skip
    assert [c.pk for c in post.categories.all()] == [int(term_id)]


def test_comments_are_written_listed_moderated_and_trashed(client, editor):
    post = PostFactory(author=editor)
    held = CommentFactory(content_object=post, state=State.PENDING, comment="Hold me")
    new_id = call(client, "wp.newComment", 1, "editor", PASSWORD, post.pk,
                  {"content": "From the desk app."})  # fmt: skip
    listed = call(client, "wp.getComments", 1, "editor", PASSWORD, {"post_id": post.pk})
    assert {c["comment_id"] for c in listed} == {str(new_id), str(held.pk)}
    pending = call(client, "wp.getComments", 1, "editor", PASSWORD, {"status": "hold"})
    assert [c["content"] for c in pending] == ["Hold me"]
    assert call(client, "wp.editComment", 1, "editor", PASSWORD, held.pk, {"status": "approve"})
    held.refresh_from_db()
    assert held.state == State.APPROVED
    assert call(client, "wp.getComment", 1, "editor", PASSWORD, held.pk)["status"] == "approve"
    assert call(client, "wp.deleteComment", 1, "editor", PASSWORD, held.pk)
    held.refresh_from_db()
    assert held.state == State.TRASH


def test_upload_stores_an_image_and_refuses_a_disguised_file(client, author):
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(png, "PNG")
    upload = {"name": "sea.png", "type": "image/png", "bits": xmlrpc.client.Binary(png.getvalue())}
    item = call(client, "wp.uploadFile", 1, "author", PASSWORD, upload)
    stored = Media.objects.get(pk=int(item["id"]))
    assert stored.width == 40 and item["url"].endswith(".png")
    library = call(client, "wp.getMediaLibrary", 1, "author", PASSWORD, {})
    assert [m["attachment_id"] for m in library] == [item["id"]]
    code, _message = fault(client, "metaWeblog.newMediaObject", 1, "author", PASSWORD,
                           {"name": "x.png", "type": "image/png",
                            "bits": xmlrpc.client.Binary(b"<html><script>1</script>")})  # fmt: skip
    assert code == 500
    assert Media.objects.count() == 1


def test_status_list_and_options(client, author):
    assert call(client, "wp.getPostStatusList", 1, "author", PASSWORD)["publish"] == "Published"
    options = call(client, "wp.getOptions", 1, "author", PASSWORD)
    assert options["blog_title"]["value"] == SiteOptions.get().title
    assert options["blog_title"]["readonly"] is True
