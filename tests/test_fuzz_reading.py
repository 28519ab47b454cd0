"""Fuzzing what a reader can type into the address bar: WordPress's query-string IDs, search,
archive and date URLs, page numbers. Any answer but a server error will do."""

import datetime
from urllib.parse import quote, urlencode

import pytest
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from blog.models import Post
from tests.factories import CategoryFactory, CommentFactory, PostFactory, TagFactory, site_options

pytestmark = pytest.mark.django_db

# Text a browser can put in a URL: anything but lone surrogates (which no encoding carries).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
digits_of_any_script = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=5000).map(lambda n: "9" * n),
    digits_of_any_script,
    st.sampled_from(["0", "00", "-0", " 1", "1 ", "1e3", "0x1f", "1.5", "+1", "1\n", "\x00"]),
)
id_like = st.one_of(numbers, any_text)
QUERY_PARAMETERS = [
    "p",
    "page_id",
    "attachment_id",
    "replytocom",
    "cpage",
    "unapproved",
    "moderation-hash",
    "s",
    "m",
    "cat",
    "tag",
    "author",
    "paged",
    "page",
    "feed",
    "preview",
    "rsd",
]


@pytest.fixture
def site(db):
    """A little site: posts in a category with a tag, one with comments, one password."""
    category, tag = CategoryFactory(slug="news"), TagFactory(slug="harbour")
    posts = [PostFactory(categories=[category]) for _ in range(3)]
    posts[0].tags.add(tag)
    PostFactory(password="secret")
    PostFactory(post_type="page", slug="about")
    for _ in range(3):
        CommentFactory(content_object=posts[0])
    return posts[0]


def get(client, url, **extra):
    """A GET that must not be a server error (the test client re-raises a 500's exception)."""
    response = client.get(url, **extra)
    assert response.status_code < 500, url
    return response


@given(parameter=st.sampled_from(QUERY_PARAMETERS), value=id_like)
@example(parameter="p", value="²")
@example(parameter="page_id", value="¹")
@example(parameter="replytocom", value="9" * 25)
@example(parameter="unapproved", value="²")
def test_query_string_parameters_on_the_home_page(client, site, parameter, value):
    get(client, "/?" + urlencode({parameter: value}))


@given(parameter=st.sampled_from(QUERY_PARAMETERS), value=id_like)
@example(parameter="replytocom", value="9" * 25)
@example(parameter="cpage", value="9" * 5000)
def test_query_string_parameters_on_a_post(client, site, parameter, value):
    get(client, site.get_absolute_url() + "?" + urlencode({parameter: value}))


@given(values=st.dictionaries(st.sampled_from(QUERY_PARAMETERS), id_like, min_size=2, max_size=5))
def test_query_string_parameters_together(client, site, values):
    get(client, "/?" + urlencode(values))


@given(words=any_text)
@example(words='"unbalanced AND (NEAR OR *')
@example(words="title:secret ^ - \x00")
def test_search_takes_any_words(client, site, words):
    get(client, "/?" + urlencode({"s": words}))
    get(client, "/search/" + quote(words.replace("/", " "), safe="") + "/")


two = st.integers(min_value=0, max_value=99).map("{:02d}".format)
four = st.integers(min_value=0, max_value=9999).map("{:04d}".format)
slugs = st.one_of(st.just("field-notes-number-0"), any_text.filter(lambda s: s.strip("./")))
page_numbers = st.one_of(
    st.integers(min_value=0, max_value=10**30).map(str),
    st.integers(min_value=1, max_value=5000).map(lambda n: "9" * n),
)


DATE_URLS = [
    "/{year}/",
    "/{year}/{month}/",
    "/{year}/{month}/{day}/",
    "/{year}/{month}/{day}/{slug}/",
    "/{year}/{month}/{day}/{slug}/feed/",
    "/{year}/{month}/{day}/{slug}/trackback/",
]


@given(form=st.sampled_from(DATE_URLS), year=four, month=two, day=two, slug=slugs)
@example(form=DATE_URLS[3], year="9999", month="12", day="31", slug="x")
@example(form=DATE_URLS[3], year="0000", month="01", day="01", slug="x")
@example(form=DATE_URLS[2], year="2024", month="02", day="30", slug="x")
def test_date_archives_and_permalinks_with_odd_numbers(client, site, form, year, month, day, slug):
    segment = quote(slug.replace("/", "-"), safe="")
    get(client, form.format(year=year, month=month, day=day, slug=segment))


LISTINGS = [
    "/page/{n}/",
    "/category/news/page/{n}/",
    "/tag/harbour/page/{n}/",
    "/author/{author}/page/{n}/",
    "/{day:%Y}/page/{n}/",
    "/{day:%Y/%m}/page/{n}/",
    "/{day:%Y/%m/%d}/page/{n}/",
    "{permalink}{n}/",
    "{permalink}comment-page-{n}/",
    "/about/page/{n}/",
    "/?s=notes&paged={n}",
]


@given(form=st.sampled_from(LISTINGS), number=page_numbers)
@example(form=LISTINGS[0], number="0")
@example(form=LISTINGS[0], number="9" * 25)
@example(form=LISTINGS[8], number="9" * 5000)
def test_page_numbers_of_every_listing(client, site, form, number):
    day = timezone.localtime(site.published_at)
    permalink, author = site.get_absolute_url(), site.author.username
    get(client, form.format(n=number, day=day, permalink=permalink, author=author))


@given(path=st.lists(any_text, min_size=1, max_size=4))
def test_any_path_is_a_page_or_not_found(client, site, path):
    url = "/" + "/".join(quote(part, safe="") for part in path) + "/"
    get(client, url)


@given(year=st.integers(min_value=1, max_value=9999), slug=slugs)
def test_entries_dated_at_the_edges_of_the_calendar(client, site, year, slug):
    """Permalinks and archives of an entry dated anywhere from year 1 to 9999."""
    moment = timezone.make_aware(datetime.datetime(year, 6, 15, 12))
    site.published_at = moment
    site.save()
    get(client, site.get_absolute_url())
    get(client, f"/{year:04d}/06/")
    get(client, "/")


@given(
    structure=st.sampled_from(
        ["/archives/%post_id%", "/%year%/%postname%.html", "/%year%/%monthnum%/%postname%/"]
    ),
    number=numbers,
    slug=slugs,
)
@example(structure="/archives/%post_id%", number="9" * 5000, slug="x")
@example(structure="/%year%/%postname%.html", number="0000", slug="x")
def test_old_wordpress_links_are_redirected_or_not_found(client, site, structure, number, slug):
    site_options(old_permalink_structure=structure)
    segment, number = quote(slug.replace("/", "-"), safe=""), quote(number, safe="")
    for url in (f"/archives/{number}", f"/{number}/{segment}.html", f"/0000/01/01/{segment}/"):
        get(client, url)


COOKIES = [
    "inkwell-postpass",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "sessionid",
    "csrftoken",
]
cookie_values = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=";,"))


@given(cookies=st.dictionaries(st.sampled_from(COOKIES), cookie_values, max_size=4))
def test_any_cookies_on_a_post_and_a_protected_post(client, site, cookies):
    for name, value in cookies.items():
        client.cookies[name] = value
    get(client, site.get_absolute_url())
    get(client, Post.objects.exclude(password="").get().get_absolute_url())


@given(fields=st.dictionaries(st.sampled_from(["next", "post_password"]), any_text, max_size=2))
def test_password_form_takes_anything(client, site, fields):
    response = client.post("/postpass/", fields)
    assert response.status_code < 500


FEEDS_AND_MAPS = [
    "/sitemap-{x}.xml",
    "/sitemap-posts.xml?p={x}",
    "/sitemap-pages.xml?p={x}",
    "/category/{x}/feed/",
    "/tag/{x}/feed/atom/",
    "/author/{x}/feed/",
    "/feed/?paged={x}",
    "/comments/feed/?{x}",
    "/comments/unsubscribe/{x}/",
]


@given(form=st.sampled_from(FEEDS_AND_MAPS), value=id_like)
def test_feeds_sitemaps_and_mail_links_with_anything(client, site, form, value):
    get(client, form.format(x=quote(value, safe="") or "x"))
