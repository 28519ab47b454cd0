"""Fuzzing /xmlrpc.php: random method names, random parameter types, malformed XML, and
pingbacks with any source, target and source page. Every answer is an XML-RPC response (a
value or a fault) or a plain HTTP refusal, never a server error; nothing is fetched from
anywhere but the stub below."""

import xmlrpc.client
from xml.sax.saxutils import escape

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from blog.models import SiteOptions
from comments.models import Comment
from comments.pings import fetch, pingback
from comments.pings.xmlrpc import METHODS
from tests.factories import PostFactory, reader_address

pytestmark = pytest.mark.django_db

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
xml_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)
method_names = st.one_of(st.sampled_from(sorted(METHODS)), any_text.map(escape))
TYPE_TAGS = [
    "int",
    "i4",
    "i8",
    "double",
    "boolean",
    "string",
    "base64",
    "dateTime.iso8601",
    "bigdecimal",
    "biginteger",
    "float",
    "byte",
    "nil",
    "ex:nil",
    "unknown",
]
scalar_text = st.one_of(
    xml_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=5000).map(lambda n: "9" * n),
    st.sampled_from(["", "0", "1", "2", "nan", "inf", "-inf", "1e999", "abc", "=", "AAAA"]),
)
scalars = st.builds(
    lambda tag, text: f"<{tag}>{escape(text)}</{tag}>", st.sampled_from(TYPE_TAGS), scalar_text
)
values = st.recursive(
    st.one_of(scalars, xml_text.map(escape)).map(lambda inner: f"<value>{inner}</value>"),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(
            lambda items: f"<value><array><data>{''.join(items)}</data></array></value>"
        ),
        st.lists(st.tuples(st.one_of(xml_text.map(escape), st.none()), children), max_size=3).map(
            lambda members: (
                "<value><struct>"
                + "".join(
                    f"<member>{'' if name is None else f'<name>{name}</name>'}{value}</member>"
                    for name, value in members
                )
                + "</struct></value>"
            )
        ),
    ),
    max_leaves=6,
)


def method_call(name, params):
    inner = "".join(f"<param>{value}</param>" for value in params)
    return (
        f"<?xml version='1.0'?><methodCall><methodName>{name}</methodName>"
        f"<params>{inner}</params></methodCall>"
    ).encode()


@pytest.fixture
def site(db, monkeypatch, settings):
    """A post to ping, detailed faults, and a network that resolves nothing."""
    settings.INKWELL_PINGBACK_DETAILED_FAULTS = True
    monkeypatch.setattr(fetch, "resolve", lambda host, port: [])
    options = SiteOptions.get()
    options.comment_previously_approved = False
    options.save()
    return PostFactory()


def call(client, body):
    """POST an XML-RPC body: a well-formed response, a fault, or a plain refusal."""
    before = Comment.objects.count()
    response = client.post(
        "/xmlrpc.php", body, content_type="text/xml", REMOTE_ADDR=reader_address()
    )
    assert response.status_code < 500
    if response.status_code == 200:
        try:
            xmlrpc.client.loads(response.content)
        except xmlrpc.client.Fault:
            assert Comment.objects.count() == before  # a refused call writes nothing
    return response


@given(name=method_names, params=st.lists(values, max_size=3))
@example(name="pingback.ping", params=["<value><bigdecimal>abc</bigdecimal></value>"])
@example(
    name="system.listMethods", params=["<value><struct><member><value/></member></struct></value>"]
)
@example(name="pingback.ping", params=["<value><boolean>2</boolean></value>"] * 2)
def test_any_method_with_any_parameters(client, site, name, params):
    call(client, method_call(name, params))


@given(body=st.binary(max_size=400))
def test_any_bytes(client, site, body):
    call(client, body)


@given(
    name=method_names,
    params=st.lists(values, max_size=3),
    cut=st.integers(min_value=0, max_value=2000),
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=2000), st.binary(max_size=3)), max_size=3
    ),
)
def test_mutated_calls(client, site, name, params, cut, flips):
    body = bytearray(method_call(name, params))
    for position, replacement in flips:
        position %= len(body)
        body[position : position + len(replacement)] = replacement
    call(client, bytes(body[: max(cut, 1)] if cut < len(body) else body))


# --- pingbacks ----------------------------------------------------------------------------

url_texts = st.one_of(
    any_text,
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}{path}",
        st.sampled_from(["http", "https", "ftp", "javascript", ""]),
        st.sampled_from(["testserver", "[::1", "[::1]", "testserver:99999", "a.example", ""]),
        st.one_of(any_text, st.just("/?p=" + "9" * 5000), st.just("/?p=%C2%B2")),
    ),
)


def own_urls(post):
    permalink = "http://testserver" + post.get_absolute_url()
    return st.sampled_from(
        [permalink, permalink + "#comments", f"http://testserver/?p={post.pk}", permalink + "x/"]
    )


@given(data=st.data())
@example(data=None)
def test_pingback_with_any_source_and_target(client, site, data):
    if data is None:
        source, target = "http://[::1/", "http://[::1/"
    else:
        source = data.draw(st.one_of(url_texts, own_urls(site)))
        target = data.draw(st.one_of(url_texts, own_urls(site)))
    call(client, xmlrpc.client.dumps((source, target), "pingback.ping").encode())
    call(client, xmlrpc.client.dumps((target,), "pingback.extensions.getPingbacks").encode())


CONTENT_TYPES = [
    "text/html",
    "text/html; charset=idna",
    "text/html; charset=undefined",
    "text/html; charset=utf-16",
    "text/html; charset=base64",
    "text/html; charset=",
    "application/xhtml+xml; charset=utf-7",
    "text/plain",
]
html_bits = st.one_of(
    any_text,
    st.sampled_from(
        [
            "<title>",
            "</title>",
            "<a href=",
            "</a>",
            "<script>",
            "</script>",
            "<p>",
            "&#0;",
            "&#x110000;",
            "<a href='http://[::1/'>x</a>",
            "<!--",
            "<![CDATA[",
            "<link rel=pingback href=",
            '"',
        ]
    ),
)


@given(
    content_type=st.sampled_from(CONTENT_TYPES),
    status=st.sampled_from([200, 200, 404, 500]),
    bits=st.lists(html_bits, max_size=12),
    link=st.booleans(),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
@example(
    content_type="text/html; charset=idna",
    status=200,
    bits=["<title>T</title>"],
    link=True,
    encoding="utf-8",
)
@example(
    content_type="text/html",
    status=200,
    bits=["<a href='http://[::1/'>x</a>", "<link rel=pingback href='http://[::1/'>"],
    link=True,
    encoding="utf-8",
)
def test_pingback_source_page_of_any_shape(
    client, site, monkeypatch, content_type, status, bits, link, encoding
):
    """The source page as a hostile server may serve it (the fetcher itself is stubbed)."""
    target = "http://testserver" + site.get_absolute_url()
    html = "".join(bits) + (f'<title>A page</title><a href="{target}">here</a>' if link else "")
    source = f"https://source.example/{reader_address()}"
    page = fetch.Response(
        url=source,
        status=status,
        headers={"content-type": content_type},
        body=html.encode(encoding, errors="replace"),
    )
    monkeypatch.setattr(pingback.fetch, "fetch", lambda url, **kwargs: page)
    call(client, xmlrpc.client.dumps((source, target), "pingback.ping").encode())
