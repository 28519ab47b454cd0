"""Each reading rule in one place: who may open an entry (every role × every status), the entry
at a permalink, what /?p=ID names, what feeds and sitemaps list, what an approved comment is,
and which URLs are this site's."""

import datetime
import xmlrpc.client

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from blog import discussion, origin
from blog.models import Post, Status
from comments.models import Comment, State
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.loopback import Site
from tests.roles import user_with_role

ROLES = ["anonymous", "subscriber", "Contributor", "Author", "Editor", "Administrator"]
STATUSES = ["publish", "future", "draft", "pending", "private", "trash"]
# Others' entries beyond the published ones: private needs read_private_posts; draft, pending,
# scheduled and trashed ones need edit_others_posts. Editors and Administrators have both.
READS_OTHERS = {"Editor", "Administrator"}


def reader(role):
    client = Client()
    if role == "anonymous":
        return client, None
    user = UserFactory(username="subscriber") if role == "subscriber" else user_with_role(role)
    client.force_login(user)
    return client, user


def entry(status, author, **fields):
    if status == "future":
        return PostFactory(
            author=author, published_at=timezone.now() + datetime.timedelta(days=2), **fields
        )
    return PostFactory(author=author, status=status, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_opens_each_status_by_role(role):
    client, user = reader(role)
    someone = UserFactory(username="someone-else")
    opened = {}
    for status in STATUSES:
        others = entry(status, someone)
        opened[("others", status)] = client.get(others.get_absolute_url()).status_code
        opened[("others ?p=", status)] = client.get(f"/?p={others.pk}").status_code
        if user is not None:
            own = entry(status, user)
            opened[("own", status)] = client.get(own.get_absolute_url()).status_code
            opened[("own ?p=", status)] = client.get(f"/?p={own.pk}").status_code
    expected = {}
    for status in STATUSES:
        allowed = status == "publish" or role in READS_OTHERS
        expected[("others", status)] = 200 if allowed else 404
        expected[("others ?p=", status)] = 301 if allowed else 404
        if user is not None:
            expected[("own", status)] = 200
            expected[("own ?p=", status)] = 301
    assert opened == expected


@pytest.mark.django_db
def test_read_private_alone_opens_others_private_entries_but_not_their_drafts():
    from django.contrib.auth.models import Permission

    user = UserFactory(username="private-reader")
    user.user_permissions.add(Permission.objects.get(codename="read_private_posts"))
    for status in STATUSES:
        entry(status, UserFactory(username=f"author-{status}"))
    readable = set(Post.objects.readable_by(user).values_list("status", flat=True))
    assert readable == {Status.PUBLISH, Status.PRIVATE}


@pytest.mark.django_db
def test_lists_show_contributors_their_own_private_posts_but_no_one_elses():
    client, user = reader("Contributor")
    entry("private", user, title="My private note")
    entry("private", UserFactory(username="other"), title="Their private note")
    entry("draft", UserFactory(username="third"), title="Their draft")
    home = client.get("/").content.decode()
    assert "My private note" in home
    assert "Their private note" not in home and "Their draft" not in home


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "\u00b2", "\u00b9", "0", "-1", "9" * 25, "1e3"])
def test_query_string_ids_that_are_not_ids_are_404(client, value):
    PostFactory()
    assert client.get("/", {"p": value}).status_code == 404
    assert client.get("/", {"page_id": value}).status_code == 404


@pytest.mark.django_db
def test_shortlink_names_the_imported_entry_first_and_never_another_one(client):
    own = PostFactory(title="Written here")
    imported = PostFactory(title="Imported", wp_id=own.pk)
    assert Post.objects.at_shortlink(str(own.pk)) == imported
    assert client.get(f"/?p={own.pk}")["Location"] == imported.get_absolute_url()
    assert own.get_shortlink() == own.get_absolute_url()  # its number is taken
    Post.objects.filter(pk=imported.pk).update(status=Status.DRAFT)
    assert client.get(f"/?p={own.pk}").status_code == 404  # not the other entry instead


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/2023/02/30/{slug}/", "/2023/13/01/{slug}/", "/2023/00/10/{slug}/"]
)
def test_a_permalink_with_a_date_that_does_not_exist_is_404_everywhere(client, path):
    post = PostFactory(slug="harbour")
    url = path.format(slug=post.slug)
    assert client.get(url).status_code == 404
    assert client.get(url + "feed/").status_code == 404
    assert client.post(url + "trackback/", {"url": "http://example.com/"}).status_code == 404
    assert Post.objects.at_permalink(2023, 2, 30, "harbour") is None


@pytest.mark.django_db
def test_sitemaps_leave_out_password_protected_entries(client):
    PostFactory(title="Open", slug="open")
    PostFactory(title="Locked", slug="locked", password="x")
    PostFactory(post_type="page", title="Locked page", slug="locked-page", password="x")
    posts = client.get("/sitemap-posts.xml").content.decode()
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert "/open/" in posts
    assert "/locked/" not in posts and "/locked-page/" not in pages


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State))
def test_approved_means_the_same_in_both_apps(state):
    """blog reads discussion in django_comments' vocabulary (is_public, is_removed); comments
    defines "approved" by its state. The comment model keeps them in step on every save."""
    comment = CommentFactory(state=State.APPROVED)
    comment.state = state
    comment.save()
    in_comments = Comment.objects.approved().filter(pk=comment.pk).exists()
    in_blog = discussion.approved_comments().filter(pk=comment.pk).exists()
    assert in_comments == in_blog == (state == State.APPROVED)
    held = discussion.held_comments().filter(pk=comment.pk).exists()
    assert held == (state == State.PENDING)


def test_this_sites_urls_are_told_by_scheme_host_and_port(settings):
    settings.INKWELL_SITE_URL = "https://blog.example"
    settings.INKWELL_SITE_DOMAINS = ["old.example", "http://127.0.0.1:8001"]
    ours = [
        "https://blog.example/2024/01/01/x/",
        "http://blog.example/",  # the twin scheme of a site on a default port
        "https://BLOG.example:443/about/",
        "https://old.example/x/",
        "http://127.0.0.1:8001/",
    ]
    theirs = [
        "https://blog.example:8443/x/",
        "http://blog.example:8080/",
        "https://elsewhere.example/",
        "http://127.0.0.1:8002/",
        "ftp://blog.example/",
        "https://[::1/",
        "not a url",
    ]
    assert [url for url in ours if not origin.is_own_url(url)] == []
    assert [url for url in theirs if origin.is_own_url(url)] == []


@pytest.mark.django_db
def test_a_link_to_this_host_on_another_port_is_pinged(
    settings, django_capture_on_commit_callbacks
):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    remote = Site()
    received = []

    def pingback_server(handler, body):
        received.append(xmlrpc.client.loads(body)[0])
        answer = xmlrpc.client.dumps(("Pingback registered.",), methodresponse=True).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml")
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)

    try:
        remote.handle("/xmlrpc", pingback_server)
        remote.page("/post/", "<title>x</title>", headers={"X-Pingback": remote.url + "/xmlrpc"})
        host, port = remote.url.split("://")[1].rsplit(":", 1)
        settings.INKWELL_SITE_URL = f"http://{host}:{int(port) + 1}"  # this site: same host
        with django_capture_on_commit_callbacks(execute=True):
            PostFactory(body=f'<p><a href="{remote.url}/post/">next door</a></p>')
    finally:
        remote.close()
    assert [target for _source, target in received] == [remote.url + "/post/"]


@pytest.fixture
def source_site(settings):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    site = Site()
    yield site
    site.close()


@pytest.mark.django_db(transaction=True)
def test_pingback_to_an_imported_posts_shortlink_lands_on_that_post(live_server, source_site):
    from blog.models import SiteOptions

    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()
    own = PostFactory(title="Written here")
    imported = PostFactory(title="Imported", wp_id=own.pk)
    target = f"{live_server.url}/?p={own.pk}"
    source_site.page(
        "/linking/",
        f'<html><head><title>A blog</title></head><body><a href="{target}">it</a></body></html>',
    )
    xmlrpc.client.ServerProxy(live_server.url + "/xmlrpc.php").pingback.ping(
        source_site.url + "/linking/", target
    )
    ping = Comment.objects.get()
    assert ping.object_pk == str(imported.pk)


@pytest.mark.django_db
def test_anonymous_readers_read_what_is_published():
    PostFactory(status=Status.DRAFT)
    published = PostFactory()
    assert list(Post.objects.readable_by(AnonymousUser())) == [published]
