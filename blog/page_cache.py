"""The page cache for anonymous readers: the post page, pages, home, archives and feeds, kept
in the shared cache under the site's content version (blog/freshness.py), so a publish, an
edit, a comment, a setting or a theme switch makes every kept page stale at once.

Only readers who could be shown nothing of their own get kept pages: no session (signed in),
no commenter cookies (their details pre-fill the form) and no post-password cookie. On a hit
the view is still counted, and the pieces that are new on every response (the live count, the
CSRF token, the comment form's one-time fields, the CSP nonce) are filled into the kept bytes
(blog/fill.py); a kept page never holds one reader's token.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import fill, freshness
from .hot_settings import hot
from .models import PASSWORD_COOKIE
from .stats import counter

TIMEOUT = 3600
KEPT_PAGES = {
    "blog:home",
    "blog:home-page",
    "blog:post",
    "blog:post-page",
    "blog:post-comment-page",
    "blog:category",
    "blog:category-page",
    "blog:tag",
    "blog:tag-page",
    "blog:author",
    "blog:author-page",
    "blog:year",
    "blog:year-page",
    "blog:month",
    "blog:month-page",
    "blog:day",
    "blog:day-page",
    "blog:feed",
    "blog:feed-atom",
    "blog:category-feed",
    "blog:category-feed-atom",
    "blog:tag-feed",
    "blog:tag-feed-atom",
    "blog:author-feed",
    "blog:author-feed-atom",
    "comments-feed",
    "comments-feed-atom",
    "post-comments-feed",
    "post-comments-feed-atom",
    "page",
}
KEPT_HEADERS = {
    "content-type",
    "content-language",
    "etag",
    "last-modified",
    "link",
    "x-pingback",
}
PERSONAL_COOKIE_PREFIXES = ("comment_author",)  # WordPress's commenter cookies


class CountedPost:
    """What the counter needs of a post whose page came from the cache: its key."""

    def __init__(self, pk):
        self.pk = pk


def may_use(request):
    """A reader who gets kept pages: an anonymous GET with no query and no cookie of theirs."""
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    return cookies_allow(request.COOKIES)


def cookies_allow(cookies):
    """Whether a reader with these cookies may get kept pages (none of them their own)."""
    if hot.SESSION_COOKIE_NAME in cookies or PASSWORD_COOKIE in cookies:
        return False
    return not any(name.startswith(PERSONAL_COOKIE_PREFIXES) for name in cookies)


def _key(request):
    """The page's key; the address hashed, so any length of path makes a short key."""
    address = f"{request.scheme}://{request.get_host()}{request.path}".encode()
    digest = hashlib.sha256(address).hexdigest()
    return f"inkwell:page:v3:{freshness.content_version()}:{translation.get_language()}:{digest}"


class PageCacheMiddleware:
    """Serve kept pages to readers who may have them; keep what they were served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "INKWELL_PAGE_CACHE", True) or not may_use(request):
            return self.get_response(request)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None and time.time() < kept[-1]:  # to the second, whatever the backend
            return self.serve(request, kept)
        response = self.get_response(request)
        entry = self.entry_for(request, response)
        if entry is not None:
            cache.set(key, entry, max(1, math.ceil(entry[-1] - time.time())))
        return response

    def serve(self, request, kept):
        status, headers, content, entry, expires = kept
        response = kept_response(request, status, headers, content, entry)
        response["X-Inkwell-Cache"] = "hit"
        # what blog/page_replay.py needs to serve this page again without Django
        response.replay = (content, entry, timezone.get_current_timezone(), expires)
        return conditional(request, response)

    def entry_for(self, request, response):
        """(status, headers, content with markers, post to count, when it expires) when the
        page may be kept: an hour at most, and not past the moment its comments close."""
        match = request.resolver_match
        if response.status_code != 200 or response.streaming or match is None:
            return None
        if match.view_name not in KEPT_PAGES:
            return None
        cache_control = response.get("Cache-Control", "")
        if any(word in cache_control for word in ("private", "no-cache", "no-store")):
            return None
        if response.cookies.keys() - {settings.CSRF_COOKIE_NAME}:
            return None
        content = getattr(response, "unfilled_content", response.content)
        if fill.holds_raw_token(content):
            return None  # a token of this reader's own, rendered without a marker
        content = fill.mark_nonce(request, content)
        headers = [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS]
        response["X-Inkwell-Cache"] = "miss"
        now = time.time()
        expires = now + TIMEOUT
        fresh_until = getattr(response, "fresh_until", None)
        if fresh_until is not None and fresh_until.timestamp() > now:
            expires = min(expires, fresh_until.timestamp())
        views_of = getattr(response, "views_of", None)
        return (200, headers, fill.split(content), views_of, expires)


def kept_response(request, status, headers, parts, counted):
    """A kept page as this request gets it: the view counted (`counted`: the post's key and
    whether a load counts), the page filled with this response's own values."""
    values = {}
    if counted is not None:
        post_pk, count = counted
        post = CountedPost(post_pk)
        values["views"] = (
            counter.record_view(post, request) if count else counter.current_views(post)
        )
    response = HttpResponse(fill.fill(request, parts, values), status=status)
    for name, value in headers:
        response[name] = value
    return response


def conditional(request, response):
    """`response`, or 304 Not Modified when the request's validators match its own."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
