"""Accessibility (axe-core) and validity (the Nu HTML checker) of the reader's pages."""

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from blog.models import SiteOptions
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(params=["classic", "twilight"])
def theme(request):
    return request.param


@pytest.fixture
def site_pages(live_server, theme):
    options = SiteOptions.get()
    options.theme = theme
    options.sidebar_widgets = (
        "search,recent_posts,recent_comments,archives,categories,tag_cloud,most_viewed"
    )
    options.save()
    news = CategoryFactory(name="News", slug="news")
    post = PostFactory(
        title="Harbour library opens",
        categories=[news],
        excerpt="The library runs on the tide.",
        body='<p>Opening text.</p>\n\n[caption id="attachment_1" align="aligncenter" '
        'width="640"]<img src="/media/library.jpg" alt="The library '
        'at dusk" width="640" height="360"> Image source: Inkwell[/caption]\n\n'
        "<blockquote><p>A quote.</p></blockquote>",
        source_url="https://example.com/original",
        source_name="Coastal Wire",
    )
    post.tags.set([TagFactory(name="tides", slug="tides")])
    root = CommentFactory(content_object=post, user_name="Mara", user_url="https://m.example/")
    CommentFactory(content_object=post, parent_id=root.pk, user_name="Tom")
    PostFactory(title="Second post", categories=[news])
    base = live_server.url
    return {
        "home": base + "/",
        "post": base + post.get_absolute_url(),
        "archive": base + "/category/news/",
        "search": base + "/?s=harbour",
    }


@pytest.fixture
def page(browser):
    """axe goes in as an inline script: the test's own tool, so the page's
    Content-Security-Policy (which rightly refuses it) is bypassed for it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def report_name(kind, theme):
    return f"{kind}-report.json" if theme == "classic" else f"{kind}-report-{theme}.json"


def test_reader_pages_have_no_serious_or_critical_axe_violations(
    site_pages, theme, page, artifacts
):
    report = {}
    for name, url in site_pages.items():
        page.goto(url)
        report[name] = serious_violations(page)
    (artifacts / report_name("axe", theme)).write_text(json.dumps(report, indent=2))
    assert report == {name: [] for name in site_pages}


def test_reader_pages_are_valid_html(site_pages, theme, tmp_path, artifacts):
    files = []
    for name, url in site_pages.items():
        with urllib.request.urlopen(url, timeout=20) as response:
            path = tmp_path / f"{name}.html"
            path.write_bytes(response.read())
            files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    (artifacts / report_name("vnu", theme)).write_text(json.dumps(messages, indent=2))
    assert errors == []
