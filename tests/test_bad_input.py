"""Bad input found by a hostile review gets a clear answer (404, 400 or an XML-RPC fault),
never a server error, and leaves nothing half-written."""

import xmlrpc.client

import pytest
from reversion.models import Version

from blog.models import Post, SiteOptions
from comments.models import Comment
from comments.pings import fetch
from tests.admin_forms import admin_form
from tests.factories import CommentFactory, PostFactory, comment_form_data

pytestmark = pytest.mark.django_db

HUGE_ID = "9" * 25


@pytest.fixture(autouse=True)
def no_resolving(monkeypatch):
    """Nothing here may reach a remote server: every host name resolves to nothing."""
    monkeypatch.setattr(fetch, "resolve", lambda host, port: [])


@pytest.fixture
def trusting():
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()


# --- IDs in query strings and forms -------------------------------------------------------


def test_reply_link_to_a_25_digit_comment_shows_the_plain_form(client):
    post = PostFactory()
    CommentFactory(content_object=post)
    response = client.get(f"{post.get_absolute_url()}?replytocom={HUGE_ID}")
    assert response.status_code == 200
    assert 'name="reply_to" id="comment_parent" value="0"' in response.content.decode()


def test_held_comment_link_with_a_superscript_id_shows_the_page(client):
    post = PostFactory()
    response = client.get(f"{post.get_absolute_url()}?unapproved=%C2%B2&moderation-hash=x")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["p=%C2%B2", "page_id=%C2%B9", "p=%D9%A3", f"p={HUGE_ID}", "p=" + "9" * 5000]
)
def test_shortlink_with_a_number_that_is_no_id_is_not_found(client, query):
    PostFactory()
    assert client.get(f"/?{query}").status_code == 404


def test_shortlink_with_a_plain_id_still_redirects(client):
    post = PostFactory()
    response = client.get(f"/?p={post.pk}")
    assert (response.status_code, response["Location"]) == (301, post.get_absolute_url())


def test_comment_replying_to_a_25_digit_id_is_refused_and_not_saved(client, trusting):
    post = PostFactory()
    response = client.post("/comments/post/", comment_form_data(post, reply_to=HUGE_ID))
    assert response.status_code == 400
    assert "The comment you are replying to does not exist" in response.content.decode()
    assert not Comment.objects.exists()


# --- trackbacks ---------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["idna", "undefined"])
@pytest.mark.parametrize("where", ["query", "body"])
def test_trackback_in_a_charset_that_is_no_text_encoding_is_refused(client, charset, where):
    post = PostFactory()
    body = "url=https%3A%2F%2Fother.example%2F&title=Theirs"
    url = post.trackback_url
    if where == "query":
        url += f"?charset={charset}"
    else:
        body += f"&charset={charset}"
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"<error>1</error>" in response.content
    assert b"<message>Unknown charset.</message>" in response.content
    assert not Comment.objects.exists()


# --- XML-RPC and pingbacks ----------------------------------------------------------------


def xmlrpc_call(client, body):
    response = client.post("/xmlrpc.php", body, content_type="text/xml")
    assert response.status_code == 200
    return xmlrpc.client.loads(response.content)


def test_bigdecimal_that_is_no_number_is_a_parse_fault(client):
    body = (
        "<?xml version='1.0'?><methodCall><methodName>pingback.ping</methodName><params>"
        "<param><value><bigdecimal>abc</bigdecimal></value></param></params></methodCall>"
    )
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc_call(client, body)
    assert fault.value.faultCode == -32700


def ping(client, source, target):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc_call(client, xmlrpc.client.dumps((source, target), "pingback.ping"))
    return fault.value.faultCode


@pytest.fixture
def detailed_faults(settings):
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True


def test_pingback_to_a_5000_digit_shortlink_is_target_missing(client, detailed_faults):
    PostFactory()
    target = "http://testserver/?p=" + "9" * 5000
    assert ping(client, "https://other.example/post", target) == 32
    assert not Comment.objects.exists()


def test_pingback_to_a_broken_ipv6_url_is_target_missing(client, detailed_faults):
    assert ping(client, "https://other.example/post", "http://[::1/") == 32
    assert not Comment.objects.exists()


def test_pingback_from_a_broken_ipv6_url_is_source_missing(client, detailed_faults):
    post = PostFactory()
    assert ping(client, "http://[::1/", "http://testserver" + post.get_absolute_url()) == 16
    assert not Comment.objects.exists()


def test_pingback_faults_stay_collapsed_to_zero_by_default(client):
    assert ping(client, "http://[::1/", "http://[::1/") == 0


# --- the admin ----------------------------------------------------------------------------


def test_revision_compare_with_a_word_for_an_id_shows_the_latest_change(admin_client):
    url = "/admin/blog/post/add/"
    admin_client.post(url, admin_form(admin_client, url, "post_form", body="<p>First words.</p>"))
    post = Post.objects.get()
    change = f"/admin/blog/post/{post.pk}/change/"
    admin_client.post(change, admin_form(admin_client, change, "post_form", body="<p>Last.</p>"))
    assert Version.objects.get_for_object(post).count() == 2
    response = admin_client.get(f"/admin/blog/post/{post.pk}/compare/?a=abc&b=%C2%B2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "First&nbsp;words." in html and "Last." in html


@pytest.mark.parametrize("month", ["abc", "2024", "2024-13", "0000-01", "99999-01", "2024-03-x"])
def test_post_list_with_a_month_it_never_offered_is_a_bad_request(admin_client, month):
    PostFactory()
    assert admin_client.get("/admin/blog/post/", {"month": month}).status_code == 400


def test_post_list_month_filter_still_filters(admin_client):
    post = PostFactory()
    html = admin_client.get("/admin/blog/post/", {"month": f"{post.published_at:%Y-%m}"})
    assert post.title in html.content.decode()


# --- found by the fuzz suites -------------------------------------------------------------


@pytest.mark.parametrize("charset", ["idna", "undefined"])
def test_source_page_in_a_charset_that_is_no_text_encoding_is_read_as_utf8(
    client, monkeypatch, trusting, charset
):
    from comments.pings import pingback

    post = PostFactory()
    target = "http://testserver" + post.get_absolute_url()
    page = fetch.Response(
        url="https://other.example/post",
        status=200,
        headers={"content-type": f"text/html; charset={charset}"},
        body=f'<title>Their café</title><p><a href="{target}">this</a></p>'.encode(),
    )
    monkeypatch.setattr(pingback.fetch, "fetch", lambda url, **kwargs: page)
    answer = xmlrpc_call(client, xmlrpc.client.dumps((page.url, target), "pingback.ping"))
    assert "registered" in answer[0][0]
    assert Comment.objects.get().user_name == "Their café"


@pytest.mark.parametrize(
    ("structure", "path"),
    [
        ("/archives/%post_id%", "/archives/" + "9" * 5000 + "/"),
        ("/archives/%post_id%", "/archives/%D9%A3/"),
        ("/%year%/%postname%.html", "/0000/slug.html/"),
        ("/%year%/%postname%.html", "/%D9%A0%D9%A0%D9%A0%D9%A0/slug.html/"),
        ("", "/0000/01/01/slug/"),
    ],
)
def test_old_link_with_a_number_no_entry_can_have_is_not_found(client, structure, path):
    from tests.factories import site_options

    site_options(old_permalink_structure=structure)
    PostFactory()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/comments/comment/{HUGE_ID}/reply/",
        f"/admin/comments/comment/{HUGE_ID}/moderate/approve/",
        f"/admin/comments/comment/{HUGE_ID}/change/",
        "/admin/comments/comment/abc/change/",
        f"/admin/blog/post/{HUGE_ID}/compare/",
        "/admin/blog/post/abc/change/",
        "/admin/blog/page/-1/change/",
    ],
)
def test_admin_page_of_an_id_that_cannot_exist_says_it_does_not_exist(admin_client, url):
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert "doesn’t exist" in response.content.decode()


@pytest.mark.parametrize("part", ["year", "month", "day"])
def test_comment_list_drilled_down_to_a_date_beyond_the_calendar_is_a_bad_request(
    admin_client, part
):
    CommentFactory()
    url = f"/admin/comments/comment/?submit_date__{part}=2147483648"
    assert admin_client.get(url).status_code == 400


def test_comment_list_of_a_post_named_by_a_word_shows_no_comments(admin_client):
    CommentFactory(comment="A word of thanks")
    response = admin_client.get("/admin/comments/comment/?object_pk=abc")
    assert response.status_code == 200
    assert "A word of thanks" not in response.content.decode()


@pytest.mark.parametrize(
    ("url", "action"),
    [("/admin/blog/post/", "move_to_trash"), ("/admin/comments/comment/", "mark_spam")],
)
@pytest.mark.parametrize("key", ["", HUGE_ID, "abc"])
def test_bulk_action_on_a_selection_that_cannot_exist_is_a_bad_request_and_changes_nothing(
    admin_client, url, action, key
):
    comment = CommentFactory()
    data = {"action": action, "_selected_action": [str(comment.pk), key], "index": "0"}
    assert admin_client.post(url, data).status_code == 400
    comment.refresh_from_db()
    comment.content_object.refresh_from_db()
    assert (comment.state, comment.content_object.status) == ("approved", "publish")


# --- the importer -------------------------------------------------------------------------


@pytest.mark.parametrize("post_id", [HUGE_ID, "-1"])
def test_import_skips_an_item_whose_id_no_database_key_can_hold(post_id):
    import io

    from tests.factories import UserFactory
    from tests.test_fuzz_import import SEED, replace_field
    from wordpress.importer import Importer

    UserFactory(username="admin", is_superuser=True)
    export = replace_field(SEED, "wp:post_id", 0, post_id, cdata=False)
    summary = Importer().run(io.BytesIO(export.encode())).as_dict()
    assert summary["counts"]["posts"] == {"created": 1, "skipped": 1}
    assert "no wp:post_id" in summary["skipped"][0]


def test_import_reads_a_menu_order_beyond_an_integer_column_as_none():
    import io

    from tests.factories import UserFactory
    from tests.test_fuzz_import import SEED, replace_field
    from wordpress.importer import Importer

    UserFactory(username="admin", is_superuser=True)
    export = replace_field(SEED, "wp:menu_order", 1, "9" * 12, cdata=False)
    Importer().run(io.BytesIO(export.encode()))
    assert Post.objects.pages().get().menu_order == 0


@pytest.mark.parametrize("back", ["0", "home", "healthz"])
def test_password_form_sent_back_to_a_word_goes_to_that_path(client, back):
    response = client.post("/postpass/", {"next": back, "post_password": "x"})
    assert (response.status_code, response["Location"]) == (302, back)


# --- NUL characters (PostgreSQL refuses them in every text value) --------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/category/%00/feed/",
        "/archives/%00/",
        "/sitemap-%00.xml",
        "/search/a%00b/",
    ],
)
def test_path_with_a_nul_character_is_a_bad_request(admin_client, url):
    assert admin_client.get(url).status_code == 400


def test_query_parameters_are_read_without_nul_characters(admin_client):
    PostFactory(title="Tide tables")
    PostFactory(title="Wind charts")
    listed = admin_client.get("/admin/blog/post/?q=Ti%00de&status__exact=pub%00lish")
    assert listed.status_code == 200
    html = listed.content.decode()
    assert "Tide tables" in html and "Wind charts" not in html
    assert admin_client.get("/admin/comments/comment/?object_pk=%00").status_code == 200
    assert admin_client.get("/?s=%00").status_code == 200


def test_trackback_with_nul_characters_is_stored_without_them(client, trusting):
    post = PostFactory()
    body = "url=https%3A%2F%2Fother.example%2Fa%00b&title=Tea%00time&blog_name=Nul%00"
    response = client.post(
        post.trackback_url, body, content_type="application/x-www-form-urlencoded"
    )
    assert b"<error>0</error>" in response.content
    ping = Comment.objects.get()
    assert (ping.user_url, ping.user_name) == ("https://other.example/ab", "Nul")
    assert "<strong>Teatime</strong>" in ping.comment


def test_pingback_from_a_page_with_nul_characters_is_stored_without_them(
    client, monkeypatch, trusting
):
    from comments.pings import pingback

    post = PostFactory()
    target = "http://testserver" + post.get_absolute_url()
    page = fetch.Response(
        url="https://other.example/post",
        status=200,
        headers={"content-type": "text/html"},
        body=f'<title>Nul\x00 page</title><p>Be\x00fore <a href="{target}">this</a></p>'.encode(),
    )
    monkeypatch.setattr(pingback.fetch, "fetch", lambda url, **kwargs: page)
    xmlrpc_call(client, xmlrpc.client.dumps((page.url, target), "pingback.ping"))
    ping = Comment.objects.get()
    assert ping.user_name == "Nul page" and "\x00" not in ping.comment


def test_comment_form_with_a_timestamp_no_clock_shows_is_refused_and_not_saved(client, trusting):
    post = PostFactory()
    response = client.post("/comments/post/", comment_form_data(post, timestamp="9" * 309))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_import_of_a_file_in_an_encoding_that_does_not_exist_is_refused_with_a_reason():
    import io

    from wordpress import wxr
    from wordpress.importer import Importer

    export = b'<?xml version="1.0" encoding="U-F-8"?>\n<rss version="2.0"><channel/></rss>'
    with pytest.raises(wxr.WXRError, match="encoding that does not exist"):
        Importer().run(io.BytesIO(export))
    assert not Post.objects.exists()


def test_import_gives_two_authors_whose_logins_differ_after_150_characters_one_account():
    import io

    from django.contrib.auth import get_user_model

    from tests.factories import UserFactory
    from tests.test_fuzz_import import SEED, replace_field
    from wordpress.importer import Importer

    UserFactory(username="admin", is_superuser=True)
    export = replace_field(SEED, "dc:creator", 0, "w" * 150 + "1", cdata=False)
    export = replace_field(export, "dc:creator", 1, "w" * 150 + "2", cdata=False)
    Importer().run(io.BytesIO(export.encode()))
    assert get_user_model().objects.filter(username="w" * 150).count() == 1


def test_source_page_with_a_link_no_parser_reads_still_counts_its_other_links(
    client, monkeypatch, trusting
):
    from comments.pings import pingback

    post = PostFactory()
    target = "http://testserver" + post.get_absolute_url()
    page = fetch.Response(
        url="https://other.example/post",
        status=200,
        headers={"content-type": "text/html"},
        body=(
            '<title>Theirs</title><a href="http://[::1/">odd</a>'
            f'<link rel="pingback" href="http://[::1/"><a href="{target}">this</a>'
        ).encode(),
    )
    monkeypatch.setattr(pingback.fetch, "fetch", lambda url, **kwargs: page)
    answer = xmlrpc_call(client, xmlrpc.client.dumps((page.url, target), "pingback.ping"))
    assert "registered" in answer[0][0]
    assert Comment.objects.get().user_name == "Theirs"
