"""Two app servers, as two machines would run them: two gunicorn masters on two loopback ports
sharing one database and one shared store. With DATABASE_URL naming PostgreSQL (CI's second
pass) they share a fresh PostgreSQL database and REDIS_URL's Redis; otherwise both serve the
embedded default from one INKWELL_VAR_DIR (one SQLite file, one cache file)."""

import http.cookiejar
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import dj_database_url
import pytest

from tests.admin_forms import form_values as form_fields
from tests.server import Server

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
PASSWORD = "a long pass phrase 42"

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from blog.models import SiteOptions
from tests.factories import PostFactory
get_user_model().objects.create_superuser("boss", "boss@example.com", "{PASSWORD}")
options = SiteOptions.get()
options.comment_previously_approved = False
options.save()
print(json.dumps(PostFactory(title="Shared by both servers").get_absolute_url()))
"""


def _services(tmp_path):
    """Environment for both servers, and their INKWELL_VAR_DIRs."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return {}, tmp_path / "shared", tmp_path / "shared"
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_two_servers"
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        host=config["HOST"],
        port=config["PORT"] or None,
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    # One site on two machines: one database, one Redis, one signing key.
    environ = {"DATABASE_URL": url.rsplit("/", 1)[0] + "/" + name, "SECRET_KEY": "two servers " * 5}
    if redis_url := os.environ.get("REDIS_URL"):
        # Another Redis database than this test process's, whose fixtures clear theirs.
        parts = urllib.parse.urlsplit(redis_url)
        number = (int(parts.path.strip("/") or 0) + 8) % 16
        environ["REDIS_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{number}"))
        import redis

        redis.Redis.from_url(environ["REDIS_URL"]).flushdb()
    return environ, tmp_path / "a", tmp_path / "b"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    environ, var_a, var_b = _services(tmp_path_factory.mktemp("two"))
    a = Server(var_a, workers=2, **environ)
    b = Server(var_b, workers=2, **environ)
    a.post = b.post = json.loads(a.manage("shell", "-c", SETUP).splitlines()[-1])
    a.start()
    b.start()
    yield a, b
    a.stop()
    b.stop()


def fetch(site, path, data=None, headers=None):
    request = urllib.request.Request(
        site.url + path, data=data, headers={"User-Agent": READER, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_comment_posted_on_one_server_appears_on_the_other_at_once(servers):
    a, b = servers
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    browser.addheaders = [("User-Agent", READER)]
    page = browser.open(a.url + a.post).read().decode()
    fields = form_fields(page, "commentform")
    fields.update(name="Ada", email="ada@example.com", comment="Posted on server A.")
    action = re.search(r'<form action="([^"]+)"[^>]*id="commentform"', page).group(1)
    browser.open(a.url + action, urllib.parse.urlencode(fields, doseq=True).encode())
    status, html = fetch(b, b.post)
    assert status == 200
    assert "Posted on server A." in html


def test_a_setting_changed_on_one_server_is_seen_on_the_other(servers):
    a, b = servers
    assert fetch(b, "/")[0] == 200  # B has read the options before the change
    browser = a.admin("boss", PASSWORD)
    change = a.url + "/admin/blog/siteoptions/1/change/"
    fields = form_fields(browser.open(change).read().decode(), "siteoptions_form")
    fields.update(tagline="Changed on server A", _save="Save")
    browser.open(change, urllib.parse.urlencode(fields, doseq=True).encode())
    for _ in range(10):
        assert "Changed on server A" in fetch(b, "/")[1]


def test_signing_out_on_one_server_signs_the_reader_out_on_the_other_at_once(servers):
    a, b = servers
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    browser.addheaders = [("User-Agent", READER)]
    login = form_fields(browser.open(a.url + "/admin/login/").read().decode(), "login-form")
    login.update(username="boss", password=PASSWORD, next="/admin/")
    browser.open(a.url + "/admin/login/", urllib.parse.urlencode(login).encode())
    # The cookies as sent before signing out: a copy of them kept elsewhere, still sent.
    cookies = {"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)}
    for _ in range(3):  # B's threads have read the session
        assert "Logged in as" in fetch(b, b.post, headers=cookies)[1]
    logout = form_fields(browser.open(a.url + a.post).read().decode(), "logout-form")
    browser.open(a.url + "/admin/logout/", urllib.parse.urlencode(logout).encode())
    for _ in range(10):
        status, page = fetch(b, b.post, headers=cookies)
        assert status == 200 and "Logged in as" not in page


def test_view_counts_are_exact_across_both_servers(servers):
    a, b = servers
    time.sleep(0.5)  # the views the tests before counted are pushed by every worker
    before = int(re.search(r"Views: (\d+)", fetch(a, a.post)[1]).group(1))
    for _ in range(10):
        assert fetch(a, a.post)[0] == 200
        assert fetch(b, b.post)[0] == 200
    time.sleep(0.5)  # every worker shows the others' views once it pushed its own (0.1 s)
    shown = int(re.search(r"Views: (\d+)", fetch(b, b.post)[1]).group(1))
    assert shown == before + 21
    dashboard = b.admin("boss", PASSWORD).open(b.url + "/admin/").read().decode()
    assert re.search(r'data-total="(\d+)"', dashboard).group(1) == str(shown)


def test_the_ping_rate_limit_counts_across_both_servers(servers):
    a, b = servers
    if time.time() % 60 > 30:  # one calendar minute is the limit's window
        time.sleep(61 - time.time() % 60)
    body = urllib.parse.urlencode({"url": "http://example.com/t", "title": "T"}).encode()
    limited = 0
    for n in range(40):
        site = a if n % 2 else b
        status, text = fetch(site, site.post + "trackback/", body)
        limited += status == 429 and "too many requests from this address" in text.lower()
    assert limited == 10
