"""Archives at WordPress's URLs: the right posts, paged, with headings and templates."""

import datetime
import re

import pytest
from django.utils import timezone

from blog.models import SiteOptions
from tests.factories import CategoryFactory, PostFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return re.findall(r'rel="bookmark">([^<]+)</a>', response.content.decode())


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def hidden_posts(**fields):
    """Posts readers never see in any archive."""
    return [
        PostFactory(title="Draft one", status="draft", **fields),
        PostFactory(title="Private one", status="private", **fields),
        PostFactory(title="Pending one", status="pending", **fields),
        PostFactory(
            title="Future one",
            published_at=timezone.now() + datetime.timedelta(days=3),
            **{k: v for k, v in fields.items() if k != "published_at"},
        ),
    ]


def test_category_archive_includes_sub_categories_and_pages(client):
    news = CategoryFactory(name="News", slug="news")
    local = CategoryFactory(name="Local", slug="local", parent=news)
    harbour = CategoryFactory(name="Harbour", slug="harbour", parent=local)
    other = CategoryFactory(name="Other", slug="other")
    posts = [
        PostFactory(
            title=f"News {n}",
            categories=[[news, local, harbour][n % 3]],
            published_at=timezone.now() - datetime.timedelta(hours=n + 1),
        )
        for n in range(12)
    ]
    PostFactory(title="Elsewhere", categories=[other])
    for post in hidden_posts():
        post.categories.set([news])
    first = client.get("/category/news/")
    assert "Category: News" in first.content.decode()
    assert titles(first) == [p.title for p in posts[:10]]
    assert titles(client.get("/category/news/page/2/")) == [p.title for p in posts[10:]]
    assert client.get("/category/news/page/3/").status_code == 404
    assert titles(client.get("/category/harbour/")) == [
        p.title for p in posts if p.title in {f"News {n}" for n in range(2, 12, 3)}
    ]


def test_tag_and_author_archives(client):
    tag = TagFactory(name="tides", slug="tides")
    author = UserFactory(username="mira", first_name="Mira", last_name="Stone")
    tagged = PostFactory(title="Tagged post")
    tagged.tags.set([tag])
    PostFactory(title="By Mira", author=author)
    for post in hidden_posts(author=author):
        post.tags.set([tag])
    response = client.get("/tag/tides/")
    assert "Tag: tides" in response.content.decode()
    assert titles(response) == ["Tagged post"]
    response = client.get("/author/mira/")
    assert "Author: Mira Stone" in response.content.decode()
    assert titles(response) == ["By Mira"]
    assert client.get("/author/nobody/").status_code == 404
    assert client.get("/tag/nothing/").status_code == 404


def test_date_archives_year_month_day(client):
    PostFactory(title="March first", published_at=at(2024, 3, 1))
    PostFactory(title="March second", published_at=at(2024, 3, 2))
    PostFactory(title="April", published_at=at(2024, 4, 5))
    PostFactory(title="Last year", published_at=at(2023, 3, 1))
    hidden_posts(published_at=at(2024, 3, 1))
    year = client.get("/2024/")
    assert "Yearly Archives: 2024" in year.content.decode()
    assert titles(year) == ["April", "March second", "March first"]
    month = client.get("/2024/03/")
    assert "Monthly Archives: March 2024" in month.content.decode()
    assert titles(month) == ["March second", "March first"]
    day = client.get("/2024/03/01/")
    assert "Daily Archives: March 1, 2024" in day.content.decode()
    assert titles(day) == ["March first"]


def test_archives_page_by_the_reading_setting(client):
    options = SiteOptions.get()
    options.posts_per_page = 2
    options.save()
    for n in range(5):
        PostFactory(title=f"Y{n}", published_at=at(2022, 5, 1 + n))
    assert titles(client.get("/2022/")) == ["Y4", "Y3"]
    assert titles(client.get("/2022/page/3/")) == ["Y0"]
    assert client.get("/2022/page/4/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/2021/13/",
        "/2021/00/",
        "/2021/13/40/",
        "/2021/02/30/",
        "/2021/04/31/",
        "/page/0/",
        "/page/abc/",
        "/2021/page/x/",
        "/category/news/page/99/",
    ],
)
def test_bad_dates_and_page_numbers_are_404(client, path):
    CategoryFactory(name="News", slug="news")
    assert client.get(path).status_code == 404


def test_paged_archives_beyond_the_first_are_noindex(client):
    for n in range(12):
        PostFactory(published_at=at(2022, 6, 1, n))
    assert 'name="robots"' not in client.get("/2022/").content.decode()
    assert (
        '<meta name="robots" content="noindex, follow">'
        in client.get("/2022/page/2/").content.decode()
    )


def test_archive_template_hierarchy(client, tmp_path, settings):
    theme = tmp_path / "themes" / "custom"
    theme.mkdir(parents=True)
    (theme / "category-news.html").write_text("news template")
    (theme / "category.html").write_text("category template")
    (theme / "archive.html").write_text("archive template")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    options = SiteOptions.get()
    options.theme = "custom"
    options.save()
    CategoryFactory(name="News", slug="news")
    CategoryFactory(name="Sport", slug="sport")
    TagFactory(name="x", slug="x")
    assert client.get("/category/news/").content == b"news template"
    assert client.get("/category/sport/").content == b"category template"
    assert client.get("/tag/x/").content == b"archive template"
