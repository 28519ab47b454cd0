"""The export stays readable whatever was stored: quotes and ampersands in slugs, "]]>" and
control characters in comments. Characters XML 1.0 forbids are refused at the comment form and
dropped at export; everything else comes back identical through our own importer."""

import io
import re
import xml.etree.ElementTree as ET

import django_comments
import pytest
from django.contrib.auth import get_user_model

from blog.models import Category, Post, Tag
from blog.text import xml_text
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.test_comments import post_comment
from wordpress import wxr
from wordpress.exporter import Exporter
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db

FORBIDDEN = "\x01\x08\x0b\x0c\x1f\ufffe\uffff"


def comments():
    return django_comments.get_model().objects


@pytest.fixture
def hostile_site():
    author = UserFactory(username="ann", first_name='Ann & "Bo" <x>\x0b', last_name="]]>")
    category = Category.objects.create(
        slug='fish&"chips"', name='Fish & "Chips" <b>', description="<i>]]></i>\x01"
    )
    tag = Tag.objects.create(slug="t&'\"<>", name="T & <T>\x0b")
    post = PostFactory(
        author=author,
        title='Fish & "chips" <b>]]>\x01\x0b',
        slug='fish&"chips"',
        body=f'<p>a]]>b{FORBIDDEN}</p><script>if (a < b && c) alert("]]>")</script>',
        excerpt="]]]]>>\x0c",
        password='p&"<]]>',
    )
    post.categories.add(category)
    post.tags.add(tag)
    root = CommentFactory(
        content_object=post,
        user_name="Zoë\x01 & <Co>",
        user_email="r&d@example.com",
        user_url="https://reader.example/?a=1&b=2",
        comment=f"Hello{FORBIDDEN} ]]> & <b>bold</b> ]]]]><![CDATA[",
    )
    CommentFactory(
        content_object=post, comment="reply ]]>", thread_id=root.pk, parent_id=root.pk, level=1
    )
    return post


def export():
    out = io.StringIO()
    Exporter('https://example.org/?site="a"&b=<c>').write(out)
    return out.getvalue()


def snapshot():
    User = get_user_model()
    return (
        sorted(Post.objects.values_list("title", "slug", "body", "excerpt", "password", "status")),
        sorted(
            comments().values_list(
                "user_name", "user_email", "user_url", "comment", "state", "kind", "level"
            )
        ),
        sorted(Category.objects.values_list("slug", "name", "description")),
        sorted(Tag.objects.values_list("slug", "name")),
        sorted(
            User.objects.filter(posts__isnull=False).values_list(
                "username", "first_name", "last_name", "email"
            )
        ),
        sorted(Post.objects.values_list("categories__slug", "tags__slug")),
    )


def without_forbidden(value):
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(without_forbidden(v) for v in value)
    return value


def test_an_export_of_hostile_data_is_well_formed(hostile_site):
    text = export()
    root = ET.fromstring(text.encode())  # raises on anything not well-formed
    assert not any(character in text for character in FORBIDDEN)
    item = root.find("channel/item")
    assert item.find("title").text == 'Fish & "chips" <b>]]>'
    categories = {c.get("domain"): c.get("nicename") for c in item.findall("category")}
    assert categories == {"category": 'fish&"chips"', "post_tag": "t&'\"<>"}


def test_hostile_data_comes_back_identical_through_our_importer(hostile_site):
    before = without_forbidden(snapshot())
    text = export()
    comments().all().delete()
    Post.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()
    Importer(trust_html=True).run(io.BytesIO(text.encode()))
    assert snapshot() == before


def test_the_comment_form_drops_characters_xml_forbids(client, post):
    response = post_comment(
        client, post, name="Juno\x0b Reader", comment="Fine\x01 words\x0b, \x1fthanks."
    )
    assert response.status_code == 302
    comment = comments().get()
    assert (comment.user_name, comment.comment) == ("Juno Reader", "Fine words, thanks.")


def test_a_comment_of_forbidden_characters_only_is_refused_as_empty(client, post):
    response = post_comment(client, post, comment="\x01\x02\x0b")
    assert response.status_code == 400
    assert "Error: Please type your comment text." in response.content.decode()
    assert not comments().exists()


@pytest.mark.parametrize(
    "path, shown",
    [
        ("/feed/", "Tides and currents"),
        ("/feed/atom/", "Tides and currents"),
        ("/comments/feed/", "Bad byte."),
        ("post-feed", "Bad byte."),
    ],
)
def test_feeds_stay_readable_with_characters_xml_forbids_in_stored_text(client, path, shown):
    post = PostFactory(title="Tides\x0b and\x01 currents", excerpt="Short\x0c.")
    CommentFactory(content_object=post, user_name="Zoë\x01", comment="Bad\x01 byte\x0b.")
    response = client.get(post.get_absolute_url() + "feed/" if path == "post-feed" else path)
    assert response.status_code == 200
    ET.fromstring(response.content)
    assert shown in response.content.decode()


def test_export_wxr_writes_a_file_and_standard_output_our_importer_reads(
    hostile_site, tmp_path, capsys
):
    from django.core.management import call_command

    path = tmp_path / "site.xml"
    call_command("export_wxr", "-o", str(path), "--site-url", "https://example.org")
    call_command("export_wxr", "--site-url", "https://example.org")
    written, printed = path.read_text(encoding="utf-8"), capsys.readouterr().out

    def undated(text):  # the channel's pubDate is the moment of writing
        return re.sub("<pubDate>[^<]*</pubDate>", "", text, count=1)

    assert undated(printed) == undated(written)
    items = [value for kind, value in wxr.read(str(path)) if kind == "item"]
    assert [item.slug for item in items] == ['fish&"chips"']
    assert [c.content for c in items[0].comments] == [
        "Hello ]]> & <b>bold</b> ]]]]><![CDATA[",
        "reply ]]>",
    ]
