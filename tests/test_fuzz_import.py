"""Fuzzing the WordPress importer with exports mutated from the theme unit test data: every
file is either imported, and its entries' pages then open, or refused with a reason
(WXRError) and nothing written."""

import io
import re
from xml.sax.saxutils import escape

import pytest
from django.contrib.auth import get_user_model
from hypothesis import example, given
from hypothesis import strategies as st

from blog.models import Category, Media, Post, Tag
from comments.models import Comment
from tests.factories import UserFactory
from tests.shared_data import shared_file
from wordpress import wxr
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db


def seed_export():
    """The theme unit test export cut to its header, a few terms and four items: a post with
    comments, a page with a parent, an attachment and a draft."""
    text = shared_file("wordpress-theme-unit-test.xml").read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    for term in ("category", "tag", "term"):  # three of each are enough to mutate
        blocks = re.findall(rf"\s*<wp:{term}>.*?</wp:{term}>", head, re.S)
        for block in blocks[3:]:
            head = head.replace(block, "", 1)
    items = ["<item>" + chunk.split("</item>", 1)[0] + "</item>" for chunk in rest.split("<item>")]

    def first(post_type, test, key=lambda item: 0):
        kind = re.compile(rf"<wp:post_type>(<!\[CDATA\[)?{post_type}(\]\]>)?</wp:post_type>")
        return min((item for item in items if kind.search(item) and test(item)), key=key)

    chosen = [
        first("post", lambda item: item.count("<wp:comment>") >= 3, key=len),
        first("page", lambda item: "<wp:post_parent>0<" not in item),
        first("attachment", lambda item: True),
        first("post", lambda item: "<wp:status>draft<" in item),
    ]
    return head + "\n".join(chosen) + "\n</channel>\n</rss>\n"


SEED = seed_export()
FIELDS = sorted(set(re.findall(r"<((?:wp|dc|content|excerpt):[A-Za-z_]+)>", SEED))) + [
    "title",
    "link",
    "guid",
    "pubDate",
]
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
field_values = st.one_of(
    any_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=5000).map(lambda n: "9" * n),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "0000-00-00 00:00:00",
            "9999-12-31 23:59:59",
            "0001-01-01 00:00:00",
            "2024-02-30 12:00:00",
            "javascript:alert(1)",
            "http://[::1/",
            "trash",
            "inherit",
            "nav_menu_item",
            "revision",
            "²",
            "\x00",
        ]
    ),
)


def replace_field(document, name, occurrence, value, cdata):
    """`document` with the text of one <name> element (the occurrence-th, wrapping) replaced."""
    pattern = re.compile(rf"(<{re.escape(name)}>)(.*?)(</{re.escape(name)}>)", re.S)
    matches = list(pattern.finditer(document))
    if not matches:
        return document
    match = matches[occurrence % len(matches)]
    body = f"<![CDATA[{value.replace(']]>', '')}]]>" if cdata else escape(value)
    return document[: match.start(2)] + body + document[match.end(2) :]


def counts():
    return [
        model.objects.count() for model in (Post, Comment, Category, Tag, Media, get_user_model())
    ]


@pytest.fixture
def importing(db, client):
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    return client


def import_or_refuse(client, document):
    """Import `document`: a refusal writes nothing; an import leaves pages that open."""
    before = counts()
    source = io.BytesIO(document if isinstance(document, bytes) else document.encode())
    try:
        Importer().run(source)
    except wxr.WXRError as refusal:
        assert str(refusal)
        assert counts() == before
        return
    for post in Post.objects.order_by("-pk")[:2]:
        response = client.get(post.get_absolute_url())
        assert response.status_code < 500, post.get_absolute_url()


@given(
    changes=st.lists(
        st.tuples(st.sampled_from(FIELDS), st.integers(0, 50), field_values, st.booleans()),
        min_size=1,
        max_size=4,
    )
)
@example(changes=[("wp:post_id", 0, "9" * 25, False)])
@example(changes=[("wp:comment_parent", 1, "9" * 25, False)])
@example(changes=[("wp:post_date", 0, "9999-12-31 23:59:59", False)])
@example(changes=[("wp:comment_author_IP", 0, "\x00", True)])
@example(changes=[("dc:creator", 0, "9" * 151, False), ("dc:creator", 1, "9" * 152, False)])
def test_export_with_any_field_values(importing, changes):
    document = SEED
    for name, occurrence, value, cdata in changes:
        document = replace_field(document, name, occurrence, value, cdata)
    import_or_refuse(importing, document)


@given(
    cut=st.one_of(st.just(len(SEED.encode())), st.integers(0, len(SEED.encode()))),
    flips=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(SEED.encode()) - 1), st.binary(max_size=4)
        ),
        max_size=4,
    ),
)
@example(cut=len(SEED.encode()), flips=[(31, b"-")])  # <?xml … encoding="U-F-8"?>
def test_export_cut_short_or_with_bytes_changed(importing, cut, flips):
    document = bytearray(SEED.encode())
    for position, replacement in flips:
        document[position : position + len(replacement)] = replacement
    import_or_refuse(importing, bytes(document[:cut]))


def test_seed_export_imports_whole(importing):
    """The mutations start from a file that imports cleanly."""
    summary = Importer().run(io.BytesIO(SEED.encode()))
    created = {kind: count.get("created") for kind, count in summary.as_dict()["counts"].items()}
    assert (created["posts"], created["pages"], created["attachments"]) == (2, 1, 1)
    assert created["comments"] >= 3 and not summary.as_dict()["skipped"]
