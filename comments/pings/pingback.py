"""Pingbacks (Pingback 1.0), both ways: receiving one for a post, and pinging the sites a post
links to. Every remote URL is read through the safe fetcher."""

import hashlib
import logging
import xmlrpc.client
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_tasks import task

from blog.converters import parse_id
from blog.models import Post, SiteOptions

from .. import moderation
from ..models import Comment, Kind, OutgoingPing, State
from . import fetch, store
from .xmlrpc import loads, method

logger = logging.getLogger(__name__)

SOURCE_MISSING, NO_LINK, TARGET_MISSING, NOT_PINGABLE, ALREADY_REGISTERED = 16, 17, 32, 33, 48
EXCERPT_CONTEXT = 100


class PingbackError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


# --- reading HTML -------------------------------------------------------------------------


class PageReader(HTMLParser):
    """The title, the links and the text of a page, with where each link sits in the text."""

    def __init__(self, base_url):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.title, self.in_title = "", False
        self.text, self.links, self.pingback_links = [], [], []
        self._length = 0
        self._open_link = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self.in_title = True
        elif tag in ("script", "style"):
            self._skip += 1
        elif tag == "a" and (href := self._absolute(attrs.get("href"))):
            self._open_link = {
                "href": href,
                "start": self._length,
                "text": "",
            }
        elif (
            tag == "link"
            and (href := self._absolute(attrs.get("href")))
            and "pingback" in (attrs.get("rel") or "").lower().split()
        ):
            self.pingback_links.append(href)

    def _absolute(self, href):
        """The link's absolute URL, or None for none or one no parser reads (http://[::1/)."""
        try:
            return urljoin(self.base_url, href.strip()) if href else None
        except ValueError:
            return None

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag == "a" and self._open_link is not None:
            self.links.append(self._open_link)
            self._open_link = None
        elif tag in ("p", "div", "li", "br", "h1", "h2", "h3", "h4", "td"):
            self._add_text(" ")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self._skip:
            self._add_text(data)
            if self._open_link is not None:
                self._open_link["text"] += data

    def _add_text(self, text):
        self.text.append(text)
        self._length += len(text)


def read_page(html, base_url):
    reader = PageReader(base_url)
    reader.feed(html)
    reader.close()
    return reader


def _without_fragment(url):
    return url.split("#", 1)[0]


def _squash(text):
    return " ".join(text.split())


def excerpt_around(reader, link):
    text = "".join(reader.text)
    start = link["start"]
    end = start + len(link["text"])
    before = _squash(text[max(0, start - EXCERPT_CONTEXT) : start])
    after = _squash(text[end : end + EXCERPT_CONTEXT])
    return f"[\u2026] {before} {_squash(link['text'])} {after} [\u2026]".replace("  ", " ")


# --- receiving ----------------------------------------------------------------------------


def own_hosts(request_host):
    return {
        request_host.split(":")[0].strip("[]").lower(),
        *map(str.lower, settings.INKWELL_SITE_DOMAINS),
    }


def post_for_url(url, request_host):
    """The post a URL of this site points at (permalink or /?p=ID, any port, any fragment)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # http://[::1/
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in own_hosts(
        request_host
    ):
        return None
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    if parts.path in ("", "/") and (entry_id := parse_id(query.get("p"))) is not None:
        return Post.objects.filter(pk=entry_id).first()
    try:
        match = resolve(unquote(parts.path or "/"))
    except Resolver404:
        return None
    if match.view_name == "page":
        return Post.objects.page_at(match.kwargs["path"])
    if match.view_name not in ("blog:post", "blog:post-comment-page"):
        return None
    kwargs = match.kwargs
    return Post.objects.filter(
        slug=kwargs["slug"],
        published_at__year=kwargs["year"],
        published_at__month=kwargs["month"],
        published_at__day=kwargs["day"],
    ).first()


def receive(source, target, request):
    """Register a pingback from `source` to `target`, or raise PingbackError."""
    host = request.get_host()
    post = post_for_url(target, host)
    if post is None:
        raise PingbackError(TARGET_MISSING, "The specified target URL does not exist.")
    if not post.is_published or not post.pings_open:
        raise PingbackError(NOT_PINGABLE, "The specified target URL cannot be used as a target.")
    if post_for_url(source, host) == post:
        raise PingbackError(
            0, "The source URL and the target URL cannot both point to the same resource."
        )
    if len(source) > 200:
        raise PingbackError(SOURCE_MISSING, "The source URL is too long.")
    if store.already_pinged(post, Kind.PINGBACK, source):
        raise PingbackError(ALREADY_REGISTERED, "The pingback has already been registered.")
    key = "inkwell:pingback-checked:" + hashlib.sha256(f"{source}\n{target}".encode()).hexdigest()
    if not cache.add(key, 1, settings.INKWELL_PINGBACK_RECHECK_SECONDS):
        raise PingbackError(0, "This source was checked for this target recently.")

    title, excerpt = verify_source(source, target)
    try:
        store.record(post, request, Kind.PINGBACK, title, source, excerpt)
    except moderation.Rejected as rejected:
        raise PingbackError(0, rejected.message) from rejected
    return f"Pingback from {source} to {target} registered. Keep the web talking! :-)"


def verify_source(source, target):
    """The source page must exist, be HTML, have a title and link to the target."""
    try:
        response = fetch.fetch(source, max_redirects=0)
    except fetch.FetchError as error:
        raise PingbackError(SOURCE_MISSING, "The source URL does not exist.") from error
    if response.status != 200:
        raise PingbackError(SOURCE_MISSING, "The source URL does not exist.")
    if response.content_type not in ("text/html", "application/xhtml+xml"):
        raise PingbackError(NO_LINK, "The source URL is not an HTML page.")
    reader = read_page(response.text(), source)
    title = _squash(reader.title)
    if not title:
        raise PingbackError(NO_LINK, "A title on that page cannot be found.")
    wanted = _without_fragment(target)
    for link in reader.links:
        if _without_fragment(link["href"]) == wanted:
            return title, excerpt_around(reader, link)
    raise PingbackError(
        NO_LINK,
        "The source URL does not contain a link to the target URL, "
        "and so cannot be used as a source.",
    )


def pingbacks_of(target, request):
    post = post_for_url(target, request.get_host())
    if post is None:
        raise PingbackError(TARGET_MISSING, "The specified target URL does not exist.")
    if not post.is_published:
        raise PingbackError(NOT_PINGABLE, "The specified target URL cannot be used as a target.")
    return list(
        Comment.objects.for_model(post)
        .filter(kind=Kind.PINGBACK, state=State.APPROVED)
        .values_list("user_url", flat=True)
    )


# --- sending ------------------------------------------------------------------------------


def _site_host():
    return (urlsplit(settings.INKWELL_SITE_URL).hostname or "").lower()


def external_links(html):
    ours = {_site_host(), *map(str.lower, settings.INKWELL_SITE_DOMAINS)}
    links = []
    for link in read_page(html, settings.INKWELL_SITE_URL).links:
        url = _without_fragment(link["href"])
        parts = urlsplit(url)
        external = (parts.hostname or "").lower() not in ours
        if parts.scheme in ("http", "https") and external and url not in links:
            links.append(url)
    return links


def discover_server(url):
    """X-Pingback header first, then <link rel="pingback"> in the first 150 KB."""
    response = fetch.fetch(url, max_redirects=3)
    if header := response.headers.get("x-pingback"):
        return header.strip()
    if response.content_type in ("text/html", "application/xhtml+xml"):
        found = read_page(response.text(), response.url).pingback_links
        if found:
            return found[0]
    return ""


def ping(server, source, target):
    body = xmlrpc.client.dumps((source, target), "pingback.ping").encode()
    response = fetch.fetch(
        server, method="POST", body=body, headers={"Content-Type": "text/xml"}, max_redirects=0
    )
    params, _method = loads(response.body)
    return str(params[0]) if params else ""


def ping_one(source, url):
    """Ping `url` about `source`: (server, outcome, succeeded)."""
    server = ""
    try:
        server = discover_server(url)
        if not server:
            return "", "no pingback server", False
        return server, ping(server, source, url)[:300], True
    except xmlrpc.client.Fault as fault:
        return server, f"fault {fault.faultCode}: {fault.faultString}"[:300], False
    except (fetch.FetchError, ValueError, xmlrpc.client.ResponseError) as error:
        return server, f"failed: {error}"[:300], False
    except Exception as error:  # a broken peer must never stop the other pings
        return server, f"failed: {type(error).__name__}"[:300], False


@task()
def send_pingbacks(post_id):
    with timezone.override(SiteOptions.get().tzinfo):
        return _send_pingbacks(post_id)


def _send_pingbacks(post_id):
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.is_published or not post.pings_open:
        return 0
    source = settings.INKWELL_SITE_URL.rstrip("/") + post.get_absolute_url()
    done = set(OutgoingPing.objects.filter(post=post).values_list("url", flat=True))
    sent = 0
    for url in external_links(post.body):
        if url in done:
            continue
        server, outcome, succeeded = ping_one(source, url)
        OutgoingPing.objects.get_or_create(
            post=post,
            url=url,
            defaults={"server": server[:500], "outcome": outcome, "succeeded": succeeded},
        )
        sent += 1
    return sent


# --- the XML-RPC methods ------------------------------------------------------------------
# Like WordPress since 3.5.1, every pingback fault but 48 ("already registered") goes out as
# fault 0 with no message, so the endpoint tells a prober nothing about the network behind it;
# INKWELL_PINGBACK_DETAILED_FAULTS=1 turns the specific codes on.


def _public_fault(error):
    if settings.INKWELL_PINGBACK_DETAILED_FAULTS or error.code == ALREADY_REGISTERED:
        return xmlrpc.client.Fault(error.code, error.message)
    return xmlrpc.client.Fault(0, "")


@method("pingback.ping", 2)
def _ping_method(request, source, target):
    try:
        return receive(source, target, request)
    except PingbackError as error:
        logger.info("pingback refused (%s): %s", error.code, error.message)
        raise _public_fault(error) from error


@method("pingback.extensions.getPingbacks", 1)
def _get_pingbacks_method(request, url):
    try:
        return pingbacks_of(url, request)
    except PingbackError as error:
        raise _public_fault(error) from error
