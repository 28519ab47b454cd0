"""Pingbacks (Pingback 1.0), both ways: receiving one for a post, and pinging the sites a post
links to. Every remote URL is read through the safe fetcher."""

import hashlib
import logging
import threading
import xmlrpc.client
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve

from blog import origin
from blog.clients import client_ip
from blog.models import Post

from .. import moderation
from ..models import Comment, Kind
from . import fetch, store
from .xmlrpc import method

logger = logging.getLogger(__name__)

SOURCE_MISSING, NO_LINK, TARGET_MISSING, NOT_PINGABLE, ALREADY_REGISTERED = 16, 17, 32, 33, 48
EXCERPT_CONTEXT = 100

# At most one source is fetched at a time in each process: a ping that finds the slot taken is
# answered at once with fault 0 rather than queued, so slow or hostile sources can hold at most
# one thread of each worker and nothing in the task queue; an honest sender can simply retry.
_verification_slot = threading.BoundedSemaphore(1)


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
        self.text, self.links, self.pingback_links, self.webmention_links = [], [], [], []
        self._length = 0
        self._open_link = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self.in_title = True
        elif tag in ("script", "style"):
            self._skip += 1
        rel = (attrs.get("rel") or "").lower().split()
        # An empty href names the page itself as the webmention endpoint.
        webmention = tag in ("a", "link") and "webmention" in rel
        if webmention and (endpoint := self._absolute(attrs.get("href") or self.base_url)):
            self.webmention_links.append(endpoint)
        if tag == "a" and (href := self._absolute(attrs.get("href"))):
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


def post_for_url(url):
    """The entry a reader may open at a URL of this site (permalink, page, `/?p=ID` or
    `/?page_id=ID`, any fragment), or None."""
    if not origin.is_own_url(url):
        return None
    parts = urlsplit(url)
    entries = Post.objects.published()
    if parts.path in ("", "/"):
        query = parse_qs(parts.query)
        for parameter in ("p", "page_id"):
            if parameter in query:
                return entries.at_shortlink(query[parameter][0])
    try:
        match = resolve(unquote(parts.path or "/"))
    except Resolver404:
        return None
    if match.view_name == "page":
        return entries.page_at(match.kwargs["path"])
    if match.view_name not in ("blog:post", "blog:post-comment-page"):
        return None
    kwargs = match.kwargs
    return entries.at_permalink(kwargs["year"], kwargs["month"], kwargs["day"], kwargs["slug"])


def receive(source, target, request):
    """Register a pingback from `source` to `target`, or raise PingbackError."""
    post = post_for_url(target)
    if post is None:
        raise PingbackError(TARGET_MISSING, "The specified target URL does not exist.")
    if not post.pings_open:
        raise PingbackError(NOT_PINGABLE, "The specified target URL cannot be used as a target.")
    if post_for_url(source) == post:
        raise PingbackError(
            0, "The source URL and the target URL cannot both point to the same resource."
        )
    if len(source) > 200:
        raise PingbackError(SOURCE_MISSING, "The source URL is too long.")
    if store.already_pinged(post, Kind.PINGBACK, source):
        raise PingbackError(ALREADY_REGISTERED, "The pingback has already been registered.")
    if not _verification_slot.acquire(blocking=False):
        raise PingbackError(0, "Another source is being checked; try again later.")
    try:
        title, excerpt = _checked_once(source, target)
    finally:
        _verification_slot.release()
    try:
        store.record(
            post,
            Kind.PINGBACK,
            title,
            source,
            excerpt,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except moderation.Rejected as rejected:
        raise PingbackError(0, rejected.message) from rejected
    return f"Pingback from {source} to {target} registered. Keep the web talking! :-)"


def _checked_once(source, target):
    key = "inkwell:pingback-checked:" + hashlib.sha256(f"{source}\n{target}".encode()).hexdigest()
    if not cache.add(key, 1, settings.INKWELL_PINGBACK_RECHECK_SECONDS):
        raise PingbackError(0, "This source was checked for this target recently.")
    return verify_source(source, target)


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
    post = post_for_url(target)
    if post is None:
        raise PingbackError(TARGET_MISSING, "The specified target URL does not exist.")
    return list(
        Comment.objects.for_model(post)
        .approved()
        .filter(kind=Kind.PINGBACK)
        .values_list("user_url", flat=True)
    )


# --- the XML-RPC methods ------------------------------------------------------------------
# Like WordPress since 3.5.1, every pingback fault but 48 ("already registered") goes out as
# fault 0 with no message, so the endpoint tells a prober nothing about the network behind it;
# INKWELL_PINGBACK_DETAILED_FAULTS=1 turns the specific codes on.


def _public_fault(error):
    if settings.INKWELL_PINGBACK_DETAILED_FAULTS or error.code == ALREADY_REGISTERED:
        return xmlrpc.client.Fault(error.code, error.message)
    return xmlrpc.client.Fault(0, "")


@method("pingback.ping", 2, ping=True)
def _ping_method(request, source, target):
    try:
        return receive(source, target, request)
    except PingbackError as error:
        logger.info("pingback refused (%s): %s", error.code, error.message)
        raise _public_fault(error) from error


@method("pingback.extensions.getPingbacks", 1, ping=True)
def _get_pingbacks_method(request, url):
    try:
        return pingbacks_of(url, request)
    except PingbackError as error:
        raise _public_fault(error) from error
