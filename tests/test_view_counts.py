"""`Views: N`: every reader's load counted once, exactly, even under concurrency."""

import threading
import urllib.request

import pytest
from django.db import connection

from blog.models import PostViews
from blog.stats import counter
from tests.factories import PostFactory

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def views_of(post):
    """What the database holds once the counted views still buffered are written."""
    counter.flush_all()
    return PostViews.objects.get(post=post).count


@pytest.mark.django_db(transaction=True)
def test_concurrent_loads_lose_no_increment(live_server):
    assert connection.vendor != "sqlite" or connection.settings_dict["NAME"] != ":memory:"
    post = PostFactory()
    url = live_server.url + post.get_absolute_url()
    threads, requests_each, failures = 8, 25, []

    def read_repeatedly():
        for _ in range(requests_each):
            request = urllib.request.Request(url, headers={"User-Agent": READER})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status != 200:
                        failures.append(response.status)
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(repr(error))

    workers = [threading.Thread(target=read_repeatedly) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert views_of(post) == threads * requests_each


@pytest.mark.django_db
def test_new_post_starts_at_zero_and_each_load_counts_one(client):
    post = PostFactory()
    assert views_of(post) == 0
    for expected in (1, 2, 3):
        html = client.get(post.get_absolute_url(), headers={"User-Agent": READER}).content
        assert f"Views: {expected}".encode() in html
    assert views_of(post) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "curl/8.4.0",
        "",
    ],
)
def test_bots_are_not_counted(client, agent):
    post = PostFactory()
    html = client.get(post.get_absolute_url(), headers={"User-Agent": agent}).content
    assert b"Views: 0" in html
    assert views_of(post) == 0


@pytest.mark.django_db
def test_bot_list_is_configurable(client, settings):
    settings.INKWELL_BOT_USER_AGENTS = ["firefox"]
    post = PostFactory()
    client.get(post.get_absolute_url(), headers={"User-Agent": READER})
    assert views_of(post) == 0


@pytest.mark.django_db
def test_previews_and_head_requests_are_not_counted(client, admin_client):
    post = PostFactory()
    admin_client.get(post.get_absolute_url() + "?preview=true", headers={"User-Agent": READER})
    client.head(post.get_absolute_url(), headers={"User-Agent": READER})
    assert views_of(post) == 0


@pytest.mark.django_db
def test_editor_viewing_a_draft_does_not_count(admin_client):
    post = PostFactory(status="draft")
    response = admin_client.get(post.get_absolute_url(), headers={"User-Agent": READER})
    assert response.status_code == 200
    assert views_of(post) == 0
