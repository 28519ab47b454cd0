"""Search at /?s=words: ranked full text over what readers may see, highlighted, paged,
on FTS5 (SQLite) or PostgreSQL's search, whichever database runs the suite."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.utils import timezone

from blog import search
from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Create posts and let their after-commit index updates run."""

    def create(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return PostFactory(**fields)

    return create


def result_titles(client, query, page=None):
    path = f"/page/{page}/" if page else "/"
    html = client.get(path, {"s": query}).content.decode()
    return [re.sub(r"</?mark>", "", t) for t in re.findall(r'rel="bookmark">(.+?)</a>', html)]


def test_the_engine_follows_the_database():
    expected = search.PostgresSearch if connection.vendor == "postgresql" else search.SQLiteFTS5
    assert isinstance(search.engine(), expected)


def test_index_is_written_after_commit_and_follows_edits(
    indexed, client, django_capture_on_commit_callbacks
):
    post = indexed(title="Ferry news", body="<p>The lighthouse keeper retired.</p>")
    assert result_titles(client, "lighthouse") == ["Ferry news"]
    with django_capture_on_commit_callbacks(execute=True):
        post.body = "<p>The harbourmaster retired.</p>"
        post.save()
    assert result_titles(client, "lighthouse") == []
    assert result_titles(client, "harbourmaster") == ["Ferry news"]
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert result_titles(client, "harbourmaster") == []


def test_title_matches_come_first(indexed, client):
    indexed(title="Notes", body="<p>" + "turbine " * 30 + "</p>")
    indexed(
        title="Turbine maintenance",
        body="<p>Once a year.</p>",
        published_at=timezone.now() - datetime.timedelta(days=5),
    )
    indexed(title="Excerpted", excerpt="About the turbine.", body="<p>Nothing here.</p>")
    assert result_titles(client, "turbine")[0] == "Turbine maintenance"
    assert set(result_titles(client, "turbine")) == {"Notes", "Turbine maintenance", "Excerpted"}


def test_every_word_must_match(indexed, client):
    indexed(title="Tide and wind", body="<p>Both.</p>")
    indexed(title="Only tide", body="<p>One.</p>")
    assert result_titles(client, "tide wind") == ["Tide and wind"]


def test_markup_is_not_searched_as_words(indexed, client):
    indexed(title="Styled", body='<p class="strongbox">Plain words.</p>')
    assert result_titles(client, "strongbox") == []


def test_only_what_readers_may_see_is_found(indexed, client):
    indexed(title="Visible walrus")
    indexed(title="Draft walrus", status="draft")
    indexed(title="Private walrus", status="private")
    indexed(title="Future walrus", published_at=timezone.now() + datetime.timedelta(days=1))
    assert result_titles(client, "walrus") == ["Visible walrus"]


def test_results_highlight_the_words_and_say_noindex(indexed, client):
    indexed(title="Harbour lights", body="<p>The harbour lights come on at dusk & stay.</p>")
    html = client.get("/", {"s": "harbour"}).content.decode()
    assert "<mark>Harbour</mark> lights" in html
    assert "The <mark>harbour</mark> lights come on at dusk &amp; stay." in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "Search Results for: <span>harbour</span>" in html


def test_highlight_never_breaks_entities(indexed, client):
    indexed(title="Fish & chips", body="<p>amp amp</p>")
    html = client.get("/", {"s": "amp"}).content.decode()
    assert "&amp;" in html and "&<mark>amp</mark>;" not in html


def test_results_are_paged(indexed, client):
    for n in range(13):
        indexed(
            title=f"Gull report {n}", published_at=timezone.now() - datetime.timedelta(hours=n + 1)
        )
    assert len(result_titles(client, "gull")) == 10
    assert len(result_titles(client, "gull", page=2)) == 3
    html = client.get("/", {"s": "gull"}).content.decode()
    assert 'href="/page/2/?s=gull"' in html


def test_no_results_page(client):
    html = client.get("/", {"s": "zzzqqq"}).content.decode()
    assert "Nothing Found" in html


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "tide AND",
        "NEAR(tide wind)",
        "tide*",
        "(((",
        ")) OR ((",
        "title:tide",
        "tide -wind",
        "^tide",
        "x" * 2000,
        "' OR 1=1; DROP TABLE blog_post; --",
        "<script>alert(1)</script>",
        "\u0000",
        'tide" NOT "wind',
        "{title}: tide",
        "",
        "   ",
        "&amp;",
        "%",
        "_",
        "\\",
    ],
)
def test_hostile_queries_give_results_or_an_empty_page_never_an_error(indexed, client, query):
    indexed(title="Tide tables", body="<p>Tide and wind.</p>")
    response = client.get("/", {"s": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert Post.objects.count() == 1


def test_operators_are_plain_words(indexed, client):
    indexed(title="Tide tables", body="<p>Tide and wind.</p>")
    assert result_titles(client, "tide AND whale") == []  # not "tide" alone
    assert result_titles(client, "tide OR whale") == []  # not either word
    assert result_titles(client, "NEAR(tide wind)") == []  # "near" is a word the post lacks
    assert result_titles(client, "tide*") == ["Tide tables"]
    assert result_titles(client, '"wind tide"') == ["Tide tables"]  # no phrase search


def test_page_two_shows_the_next_posts_in_rank_order_from_one_page_load(
    indexed, client, django_assert_max_num_queries
):
    # Body length fixed, the searched word repeated more in higher-ranked posts; newer posts
    # rank lower, so date order would give the opposite list.
    for n in range(13):
        words = ["gull"] * (n + 1) + ["harbour"] * (20 - n)
        indexed(
            title=f"Body match {n + 1}",
            body=f"<p>{' '.join(words)}</p>",
            published_at=timezone.now() - datetime.timedelta(days=n + 1),
        )
    for n in range(2):
        indexed(
            title=f"Gull in the title {n}",
            body="<p>harbour</p>",
            published_at=timezone.now() - datetime.timedelta(days=30 + n),
        )
    page_1 = result_titles(client, "gull")
    assert set(page_1[:2]) == {"Gull in the title 0", "Gull in the title 1"}
    assert page_1[2:] == [f"Body match {n}" for n in range(13, 5, -1)]
    assert result_titles(client, "gull", page=2) == [f"Body match {n}" for n in range(5, 0, -1)]
    with django_assert_max_num_queries(10) as few:
        client.get("/page/2/", {"s": "gull"})
    baseline = len(few)  # read now: the next request empties the query log
    for n in range(30):
        indexed(title=f"More gulls {n}", body="<p>gull</p>")
    client.get("/page/2/", {"s": "gull"})  # refills the widgets' cache the new posts emptied
    with django_assert_max_num_queries(baseline) as many:
        response = client.get("/page/2/", {"s": "gull"})
    assert response.status_code == 200
    assert len(many) == baseline  # the same queries whatever the number of matches
    loaded = []

    def count_loaded(sender, **kwargs):
        loaded.append(sender)

    post_init.connect(count_loaded, sender=Post)
    try:
        titles = result_titles(client, "gull", page=3)
    finally:
        post_init.disconnect(count_loaded, sender=Post)
    assert len(titles) == 10
    assert len(loaded) == 10  # the page's posts, not all 45 matches
