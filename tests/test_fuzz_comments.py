"""Fuzzing the ways a comment arrives from outside: the Leave a Reply form and trackbacks.
Every answer is a page or an error the sender can read, never a server error, and a refused
comment leaves no row behind."""

import encodings.aliases
from urllib.parse import quote_from_bytes, urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from blog.models import SiteOptions
from comments.models import Comment
from tests.factories import CommentFactory, PostFactory, comment_form_data, reader_address

pytestmark = pytest.mark.django_db

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=5000).map(lambda n: "9" * n),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=4),
)
field_values = st.one_of(any_text, numbers, st.sampled_from(["", " ", "\x00", "0", "on"]))
FORM_FIELDS = [
    "name",
    "email",
    "url",
    "comment",
    "reply_to",
    "token",
    "content_type",
    "object_pk",
    "timestamp",
    "security_hash",
    "honeypot",
    "remember",
    "followup",
]


@pytest.fixture
def discussion(db):
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()
    post = PostFactory()
    CommentFactory(content_object=post)
    return post


def comment_count():
    return Comment.objects.count()


def post_comment(client, data, **extra):
    before = comment_count()
    response = client.post("/comments/post/", data, REMOTE_ADDR=reader_address(), **extra)
    assert response.status_code < 500
    saved = comment_count() - before
    assert saved == (1 if response.status_code == 302 else 0), response.status_code
    return response


@given(
    changes=st.dictionaries(st.sampled_from(FORM_FIELDS), field_values, max_size=4),
    dropped=st.sets(st.sampled_from(FORM_FIELDS), max_size=3),
)
@example(changes={"reply_to": "9" * 25}, dropped=set())
@example(changes={"object_pk": "9" * 25}, dropped=set())
@example(changes={"object_pk": "9" * 5000}, dropped=set())
@example(changes={"comment": "\x00"}, dropped=set())
@example(changes={"timestamp": "9" * 309}, dropped=set())
def test_comment_form_with_any_fields(client, discussion, changes, dropped):
    data = comment_form_data(discussion, comment=f"Reply {reader_address()}")
    data.update(changes)
    for name in dropped:
        data.pop(name, None)
    post_comment(client, data)


@given(comment=any_text, name=any_text, email=any_text, url=any_text)
def test_comment_form_with_any_text_in_the_visible_fields(
    client, discussion, comment, name, email, url
):
    data = comment_form_data(discussion, comment=comment, name=name, email=email, url=url)
    response = post_comment(client, data)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200


@given(reply_to=numbers)
def test_replies_to_any_number(client, discussion, reply_to):
    data = comment_form_data(discussion, comment=f"Answer {reader_address()}", reply_to=reply_to)
    post_comment(client, data)


@given(body=st.binary(max_size=300), content_type=st.sampled_from(["form", "multipart", "other"]))
def test_comment_form_with_any_body(client, discussion, body, content_type):
    types = {
        "form": "application/x-www-form-urlencoded",
        "multipart": "multipart/form-data; boundary=xyz",
        "other": "application/json",
    }
    valid = urlencode(comment_form_data(discussion, comment=f"Body {reader_address()}"))
    post_comment(client, valid.encode() + b"&" + body, content_type=types[content_type])


# --- trackbacks ---------------------------------------------------------------------------

CODEC_NAMES = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))
charsets = st.one_of(
    st.sampled_from([*CODEC_NAMES, "idna", "undefined", "punycode", "utf-7", "base64", "rot13"]),
    st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=20),
)
TRACKBACK_FIELDS = ["url", "title", "excerpt", "blog_name", "charset"]


def send_trackback(client, post, body, query="", content_type=None):
    before = comment_count()
    response = client.generic(  # generic(): the test client itself never reads the charset
        "POST",
        post.trackback_url + query,
        body,
        content_type=content_type or "application/x-www-form-urlencoded",
        REMOTE_ADDR=reader_address(),
    )
    assert response.status_code < 500
    if response.status_code == 404:
        return response
    accepted = b"<error>0</error>" in response.content
    assert comment_count() - before == (1 if accepted else 0)
    return response


@given(charset=charsets, where=st.sampled_from(["query", "body", "content-type"]))
@example(charset="idna", where="query")
@example(charset="undefined", where="body")
@example(charset="utf-16", where="content-type")
def test_trackback_in_any_charset(client, discussion, charset, where):
    body = f"url=https%3A%2F%2Fother.example%2F{reader_address()}&title=Caf%E9&excerpt=%FF%FE"
    query, content_type = "", None
    if where == "query":
        query = "?" + urlencode({"charset": charset})
    elif where == "body":
        body += "&charset=" + quote_from_bytes(charset.encode())
    else:
        content_type = f"application/x-www-form-urlencoded; charset={charset}"
    send_trackback(client, discussion, body, query, content_type)


@given(fields=st.dictionaries(st.sampled_from(TRACKBACK_FIELDS), any_text, max_size=5))
def test_trackback_with_any_fields(client, discussion, fields):
    response = send_trackback(client, discussion, urlencode(fields))
    if b"<error>0</error>" in response.content:
        assert client.get(discussion.get_absolute_url()).status_code == 200


@given(body=st.binary(max_size=300), content_type=st.sampled_from(["form", "multipart", "xml"]))
def test_trackback_with_any_body(client, discussion, body, content_type):
    types = {
        "form": "application/x-www-form-urlencoded",
        "multipart": "multipart/form-data; boundary=xyz",
        "xml": "text/xml",
    }
    send_trackback(
        client, discussion, b"url=https%3A%2F%2Fa.example%2F&" + body, "", types[content_type]
    )


def test_every_codec_name_is_either_read_or_refused(client, discussion):
    """Not a sample: every codec Python knows, named in the query string."""
    for name in CODEC_NAMES:
        send_trackback(client, discussion, "url=https%3A%2F%2Fa.example%2F", f"?charset={name}")
