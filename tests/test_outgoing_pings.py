"""Outgoing pingbacks: discovered and sent by a task after commit, each link once."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest
from django.db import transaction

from comments.models import OutgoingPing
from tests.factories import PostFactory
from tests.loopback import Site

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def remote(settings):
    """A remote blog on loopback: a post page announcing a pingback server that accepts."""
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    settings.INKWELL_SITE_URL = "http://testserver"
    site = Site()
    site.received = []

    def pingback_server(handler, body):
        params, method = xmlrpc.client.loads(body)
        site.received.append((method, params))
        answer = xmlrpc.client.dumps(("Pingback registered.",), methodresponse=True).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml")
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)

    site.handle("/xmlrpc", pingback_server)
    site.page("/by-header/", "<title>x</title>", headers={"X-Pingback": site.url + "/xmlrpc"})
    site.page("/by-link/", f'<head><link rel="pingback" href="{site.url}/xmlrpc"></head>')
    site.page("/no-server/", "<title>plain page</title>")
    yield site
    site.close()


def body_linking(*urls):
    return "".join(f'<p><a href="{url}">a link</a></p>' for url in urls)


@pytest.mark.django_db
def test_publishing_pings_each_linked_site_once(remote, django_capture_on_commit_callbacks):
    links = [remote.url + "/by-header/", remote.url + "/by-link/", remote.url + "/no-server/"]
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(body=body_linking(*links) + '<a href="http://testserver/x/">own</a>')
    source = "http://testserver" + post.get_absolute_url()
    assert sorted(remote.received) == sorted(
        [("pingback.ping", (source, links[0])), ("pingback.ping", (source, links[1]))]
    )
    results = {ping.url: (ping.succeeded, ping.outcome) for ping in OutgoingPing.objects.all()}
    assert results == {
        links[0]: (True, "Pingback registered."),
        links[1]: (True, "Pingback registered."),
        links[2]: (False, "no webmention or pingback endpoint"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        post.body += body_linking(remote.url + "/by-header/#again")
        post.save()
    assert len(remote.received) == 2


@pytest.mark.django_db
def test_a_new_link_in_a_published_post_is_pinged(remote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(body=body_linking(remote.url + "/by-header/"))
    with django_capture_on_commit_callbacks(execute=True):
        post.body += body_linking(remote.url + "/by-link/")
        post.save()
    assert [params[1] for _, params in remote.received] == [
        remote.url + "/by-header/",
        remote.url + "/by-link/",
    ]


@pytest.mark.django_db
def test_drafts_and_posts_with_pings_closed_send_nothing(
    remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(status="draft", body=body_linking(remote.url + "/by-header/"))
        PostFactory(ping_status="closed", body=body_linking(remote.url + "/by-header/"))
    assert remote.received == []
    assert not OutgoingPing.objects.exists()


@pytest.mark.django_db
def test_nothing_is_pinged_inside_the_request_or_on_rollback(
    remote, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                PostFactory(body=body_linking(remote.url + "/by-header/"))
                assert remote.received == []  # queued for after commit, not sent here
                raise RuntimeError("the editor's save fails")
        except RuntimeError:
            pass
    assert remote.received == []


@pytest.mark.django_db
def test_private_addresses_are_never_pinged(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from comments.pings import fetch

    monkeypatch.setattr(fetch, "resolve", lambda host, port: ["10.0.0.8"])
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: pytest.fail("no connection may be attempted")
    )
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(body=body_linking("http://intranet.example/wiki"))
    ping = OutgoingPing.objects.get()
    assert not ping.succeeded and "refused address" in ping.outcome


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def site_b(tmp_path):
    """A second Inkwell, served by gunicorn on its own loopback port with its own database."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "INKWELL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "INKWELL_FETCH_ALLOW_LOOPBACK": "1",
        "INKWELL_RUN_WORKER": "1",  # B verifies the webmention in its background worker
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    script = (
        "from blog.models import Post, SiteOptions; from django.contrib.auth.models import User;"
        "o = SiteOptions.get(); o.comment_previously_approved = False; o.save();"
        "u = User.objects.create(username='bea');"
        "p = Post.objects.create(title='Lighthouse keepers', slug='lighthouse-keepers',"
        " body='<p>On B.</p>', author=u, status='publish', ping_status='open');"
        "print(p.get_absolute_url())"
    )
    created = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=1)  # no worker: /healthz is 503
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("site B did not start")
    yield url, created.stdout.strip().splitlines()[-1]
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_publishing_on_a_mentions_it_on_b_and_b_shows_it(live_server, site_b, settings):
    settings.INKWELL_FETCH_ALLOW_LOOPBACK = True
    settings.INKWELL_SITE_URL = live_server.url
    b_url, b_path = site_b
    target = b_url + b_path
    post = PostFactory(title="Notes from site A", body=body_linking(target))
    ping = OutgoingPing.objects.get(post=post)
    assert ping.succeeded, ping.outcome
    assert ping.server == b_url + "/webmention/" and ping.outcome == "webmention: HTTP 202"
    for _ in range(150):  # B's worker fetches A's post, then shows the mention
        page = urllib.request.urlopen(target, timeout=10).read().decode()
        if "Notes from site A" in page:
            break
        time.sleep(0.2)
    assert "Notes from site A" in page
    assert 'class="webmention depth-1"' in page
