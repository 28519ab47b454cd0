"""One site served by several gunicorn worker processes, started as `make run` starts it (the
embedded default: no DATABASE_URL, no REDIS_URL): whatever one process changes or counts, every
process sees at once."""

import concurrent.futures
import http.client
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.admin_forms import form_values as form_fields
from tests.server import Server

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"

SETUP = """
import json
import re
from django.contrib.auth import get_user_model
from blog.models import Post
from tests.factories import PostFactory
get_user_model().objects.create_superuser("boss", "boss@example.com", "a long pass phrase 42")
keeper = PostFactory(title="Lighthouse keeper log")
other = PostFactory(title="Harbour tide tables")
print(json.dumps({"keeper": keeper.get_absolute_url(), "other": other.get_absolute_url()}))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("site"), workers=3)
    server.urls = json.loads(server.manage("shell", "-c", SETUP).splitlines()[-1])
    server.start()
    yield server
    server.stop()


def fetch(site, path, data=None, headers=None):
    """One request on a connection of its own (so the master spreads them over the workers)."""
    request = urllib.request.Request(
        site.url + path, data=data, headers={"User-Agent": READER, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def pages(site, paths, count):
    """`count` loads at least, cycling over `paths`, checking each was served, and more until
    two workers have answered (one may win every accept for a while); and those workers."""
    mark = site.log_size()
    bodies = []
    while len(bodies) < count or len(site.pids_since(mark)) < 2:
        assert len(bodies) < 20 * count, "one worker answered every request"
        status, body = fetch(site, paths[len(bodies) % len(paths)])
        assert status == 200
        bodies.append(body)
    return bodies, site.pids_since(mark)


def test_a_setting_changed_in_the_admin_is_seen_by_the_next_50_requests(site):
    pages(site, ["/"], 12)  # every worker has read the options before the change
    browser = site.admin("boss", "a long pass phrase 42")
    change = site.url + "/admin/blog/siteoptions/1/change/"
    fields = form_fields(browser.open(change).read().decode(), "siteoptions_form")
    fields["tagline"] = "Notes from the admin, everywhere at once"
    fields["_save"] = "Save"
    answer = browser.open(change, urllib.parse.urlencode(fields, doseq=True).encode())
    assert "was changed successfully" in answer.read().decode()

    bodies, pids = pages(site, ["/"], 50)
    assert all("Notes from the admin, everywhere at once" in body for body in bodies)
    assert len(pids) >= 2


def test_a_setting_changed_from_manage_py_shell_is_seen_by_the_next_50_requests(site):
    pages(site, ["/"], 12)
    site.manage(
        "shell",
        "-c",
        "from blog.models import SiteOptions\n"
        "options = SiteOptions.get()\noptions.title = 'Renamed from the shell'\noptions.save()",
    )
    bodies, pids = pages(site, ["/"], 50)
    assert all("Renamed from the shell" in body for body in bodies)
    assert len(pids) >= 2


def test_a_post_made_private_leaves_every_widget_at_once(site):
    before, _ = pages(site, ["/", site.urls["other"]], 12)
    assert all("Lighthouse keeper log" in body for body in before)  # Recent Posts
    site.manage(
        "shell",
        "-c",
        "from blog.models import Post, Status\n"
        "post = Post.objects.get(title='Lighthouse keeper log')\n"
        "post.status = Status.PRIVATE\npost.save()",
    )
    bodies, pids = pages(site, ["/", site.urls["other"]], 50)
    assert not any("Lighthouse keeper log" in body for body in bodies)
    assert len(pids) >= 2


def test_a_comment_form_token_cannot_be_replayed_on_another_worker(site):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    browser.addheaders = [("User-Agent", READER)]
    page = browser.open(site.url + site.urls["other"]).read().decode()
    fields = form_fields(page, "commentform")
    action = re.search(r'<form action="([^"]+)"[^>]*id="commentform"', page).group(1)
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)

    def post_once(n):
        # From another loopback address, name and text each time: only the token is replayed,
        # so neither the flood check nor the duplicate check can be what refuses it.
        data = {**fields, "name": f"Replayer {n}", "email": f"r{n}@example.com"}
        data["comment"] = f"Replayed submission number {n}"
        connection = http.client.HTTPConnection(
            "127.0.0.1", site.port, timeout=30, source_address=(f"127.0.0.{n + 2}", 0)
        )
        connection.request(
            "POST",
            action,
            urllib.parse.urlencode(data, doseq=True),
            headers={
                "User-Agent": READER,
                "Cookie": cookies,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        status = connection.getresponse().status
        connection.close()
        return status

    mark = site.log_size()
    statuses = [post_once(n) for n in range(8)]
    assert statuses[0] == 302
    assert statuses[1:] == [400] * 7, statuses
    stored = site.manage(
        "shell",
        "-c",
        "from comments.models import Comment\n"
        "print(Comment.objects.filter(user_name__startswith='Replayer').count())",
    )
    assert stored.strip().splitlines()[-1] == "1"
    assert len(site.pids_since(mark)) >= 2


def test_the_ping_rate_limit_counts_across_workers(site):
    if time.time() % 60 > 30:  # the limit's window is a calendar minute: stay inside one
        time.sleep(61 - time.time() % 60)
    mark = site.log_size()
    pingback = (
        "<?xml version='1.0'?><methodCall><methodName>pingback.ping</methodName><params>"
        "<param><value><string>http://example.com/a</string></value></param>"
        f"<param><value><string>{site.url}{site.urls['other']}</string></value></param>"
        "</params></methodCall>"
    ).encode()
    trackback = urllib.parse.urlencode({"url": "http://example.com/b", "title": "B"}).encode()

    def ping(n):
        if n % 2:
            status, body = fetch(site, "/xmlrpc.php", pingback, {"Content-Type": "text/xml"})
        else:
            status, body = fetch(site, site.urls["other"] + "trackback/", trackback)
        return status == 429 and "too many requests from this address" in body.lower()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        limited = list(pool.map(ping, range(40)))
    assert limited.count(True) == 10
    assert len(site.pids_since(mark)) >= 2


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
