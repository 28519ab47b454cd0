"""Comment text: WordPress's allowed tags only, links marked nofollow ugc, nothing active."""

import re
from html.parser import HTMLParser

import pytest

from comments.markup import render_comment_text
from tests.xss_corpus import PAYLOADS

ALLOWED = {
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strike",
    "strong",
    "p",
    "br",
}


class ActiveMarkupFinder(HTMLParser):
    """Collects everything a browser could run or load from the rendered comment."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "src", "srcset", "formaction"}:
                self.problems.append(f"attribute {name}")
            if name in {"href", "cite", "xlink:href"} and value is not None:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).split(":", 1)
                if len(scheme) == 2 and scheme[0].lower() not in {"http", "https", "mailto"}:
                    self.problems.append(f"{name}={value!r}")


def active_markup(html):
    finder = ActiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_as_active_markup(payload):
    rendered = render_comment_text(f"Before {payload} after")
    assert active_markup(rendered) == [], rendered


def test_checker_itself_notices_active_markup():
    assert active_markup('<img src=x onerror="alert(1)">')
    assert active_markup('<a href="javascript:alert(1)">x</a>')
    assert active_markup('<a href="java\tscript:alert(1)">x</a>')


@pytest.mark.parametrize("tag", sorted(ALLOWED - {"a", "p", "br"}))
def test_wordpress_allowed_tags_survive(tag):
    assert f"<{tag}>x</{tag}>" in render_comment_text(f"<{tag}>x</{tag}>")


def test_links_keep_http_https_and_mailto_and_get_nofollow_ugc():
    html = render_comment_text(
        '<a href="https://a.example/">a</a> <a href="http://b.example/">b</a> '
        '<a href="mailto:c@example.com">c</a> <a href="ftp://d.example/">d</a>'
    )
    assert '<a href="https://a.example/" rel="nofollow ugc">a</a>' in html
    assert '<a href="http://b.example/" rel="nofollow ugc">b</a>' in html
    assert '<a href="mailto:c@example.com" rel="nofollow ugc">c</a>' in html
    assert "ftp:" not in html


def test_bare_urls_are_linked_but_not_inside_existing_links():
    html = render_comment_text(
        'See https://a.example/page?x=1&y=2. Or <a href="https://b.example/">https://b.example/</a>'
    )
    assert (
        '<a href="https://a.example/page?x=1&amp;y=2" rel="nofollow ugc">'
        "https://a.example/page?x=1&amp;y=2</a>." in html
    )
    assert html.count("<a ") == 2


def test_paragraphs_and_line_breaks_as_wpautop():
    html = render_comment_text("First line\nsecond line\n\nNew paragraph")
    assert html == "<p>First line<br>\nsecond line</p>\n<p>New paragraph</p>"


def test_null_bytes_are_dropped():
    assert "\x00" not in render_comment_text("a\x00b")
