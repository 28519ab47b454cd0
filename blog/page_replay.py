"""Kept pages served again before Django's request cycle. Once Django has served a page from
the page cache (blog/page_cache.py), this WSGI layer (config/wsgi.py) keeps that response in
the worker's memory under the content version (blog/version_memo.py) and answers the next
readers of the same address with it: the same status and headers, the kept bytes filled with
this response's own values (the live view count, the CSRF token and its cookie, the comment
form's one-time fields, the CSP nonce and its header), the view counted as on every kept page.

A replay is kept under the content version it was made at and used only while that version
holds: read as every request reads it (from the thread's memory while the cache has not
changed: config/sqlite_cache.py, config/redis_changes.py), or, where a worker counts each view
in the shared Redis as it comes, checked in the same round trip (blog/stats/counter.py,
count_view_at). A moved version counts nothing and leaves the page to Django.

Only what the page cache itself would serve is replayed (an anonymous GET with no query and no
cookie of the reader's own), and only for the very request values Django has just served the
same way (scheme, host, forwarded headers, path), so everything Django decides before the page
cache (the allowed hosts, the scheme behind a trusted proxy, redirects) has already been
decided for it. Conditional requests and CSRF cookies Django would rewrite go to Django.

A replay costs a few dozen microseconds, so it builds no request or response object: the CSP
header is written by django-csp's own middleware once, when the replay is made, with a
placeholder where each response's nonce goes, and the CSRF cookie by Django's middleware once a
second (blog/csrf_tokens.py). Nor does it send Django's request signals: a replay reads the
database only when the post's stored count changed (blog/stats/counter.py), and a connection
that fails there is closed as at the end of a request, for the next one to open afresh.
"""

import base64
import datetime
import time
from dataclasses import dataclass

from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import HttpResponse, parse_cookie

from . import csrf_tokens, fill, freshness, page_cache, random_pool, request_memo
from .clients import drop_untrusted_forwarded_headers
from .hot_settings import hot
from .security_headers import ContentSecurityPolicyMiddleware
from .stats import counter
from .version_memo import VersionMemo

REPLAY_BYTES = 16 * 1024 * 1024  # of kept pages per worker, beside the shared page cache
# Set again on every response, here or by the WSGI server.
PER_RESPONSE_HEADERS = {
    "content-length",
    "content-security-policy",
    "content-security-policy-report-only",
    "date",
    "set-cookie",
}
# Every request value Django's scheme, host and path are made of: a replay is made for one
# combination of them and used for that combination only. The forwarded host and port count
# only where Django reads them, so made-up values cannot split one page into many replays.
ADDRESS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "PATH_INFO")
# The markers a replay knows how to fill (blog/fill.py); a page with any other is not replayed.
FILLED = {"views", "csrf", "csp-nonce", "comment-form"}
CONDITIONAL = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
)
NONCE_PLACEHOLDER = "inkwell-csp-nonce-placeholder"


@dataclass(frozen=True)
class Replay:
    headers: list  # (name, value) as Django's whole middleware stack left them
    parts: list  # the kept page, split at its markers (blog/fill.py)
    counted: tuple | None  # (post key, whether a load counts as a view)
    tzinfo: datetime.tzinfo  # the site's time zone, for the day a view is counted on
    expires: float  # when the kept page it repeats expires (time.time())
    uses_csrf: bool  # the page holds a CSRF token, so the reader needs a cookie
    uses_nonce: bool
    csp_headers: list  # (name, value split where the nonce goes)

    def size(self):
        return sum(len(part) for part in self.parts)


def _address(environ):
    proxy_header = hot.SECURE_PROXY_SSL_HEADER
    return (
        *map(environ.get, ADDRESS),
        environ.get(proxy_header[0]) if proxy_header else None,
        environ.get("HTTP_X_FORWARDED_HOST") if hot.USE_X_FORWARDED_HOST else None,
        environ.get("HTTP_X_FORWARDED_PORT") if hot.USE_X_FORWARDED_PORT else None,
    )


class PageReplayApp:
    def __init__(self, app):
        self.app = app
        self.replays = VersionMemo(size=256, weigh=Replay.size, max_weight=REPLAY_BYTES)
        self.csp = ContentSecurityPolicyMiddleware(lambda request: None)
        self.csrf_cookie = csrf_tokens.CookieWriter()

    def __call__(self, environ, start_response):
        if (
            not hot.INKWELL_PAGE_CACHE
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or hot.CSRF_USE_SESSIONS
        ):
            return self.app(environ, start_response)
        drop_untrusted_forwarded_headers(environ)
        cookies = parse_cookie(environ["HTTP_COOKIE"]) if "HTTP_COOKIE" in environ else {}
        if not page_cache.cookies_allow(cookies):
            return self.app(environ, start_response)
        secret = cookies.get(hot.CSRF_COOKIE_NAME)
        if secret is not None and not csrf_tokens.is_secret(secret):
            return self.app(environ, start_response)  # Django replaces it
        address = _address(environ)
        with request_memo.remembered():  # one read of the content version for all below
            version, replay = self.replays.peek(address)
            if replay is not None and time.time() < replay.expires:
                if any(name in environ for name in CONDITIONAL):
                    return self.app(environ, start_response)  # Django compares validators
                served = self.replay(environ, version, replay, secret, start_response)
                if served is not None:
                    return served
            version, _ = self.replays.get(address)  # it moved on: the memo is emptied
        return self.kept_by_django(environ, start_response, version, address)

    def kept_by_django(self, environ, start_response, version, address):
        """Django's response; kept for the next readers when it came from the page cache."""
        response = self.app(environ, start_response)
        found = getattr(response, "replay", None)
        if found is not None and response.status_code == 200:
            replay = self.make(environ, response, *found)
            if replay is not None:
                self.replays.put(version, address, replay)
        return response

    def make(self, environ, response, parts, counted, tzinfo, expires):
        names = {name.decode() for name in parts[1::3]}
        if not names <= FILLED:
            return None
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        ]
        uses_nonce = "csp-nonce" in names
        return Replay(
            headers, parts, counted, tzinfo, expires, "csrf" in names, uses_nonce,
            self.csp_headers(environ, uses_nonce),
        )  # fmt: skip

    def csp_headers(self, environ, uses_nonce):
        """The CSP headers django-csp writes for this address, split where the nonce goes."""
        request, response = WSGIRequest(environ), HttpResponse()
        self.csp.process_request(request)
        if uses_nonce:
            request._csp_nonce = NONCE_PLACEHOLDER
        self.csp.process_response(request, response)
        return [
            (name, value.split(NONCE_PLACEHOLDER))
            for name, value in response.items()
            if name.lower() in PER_RESPONSE_HEADERS
        ]

    def replay(self, environ, version, replay, secret, start_response):
        """The kept page, or None (nothing sent, no view counted) when the content version is
        no longer `version`, the one it was kept under: checked in the same round trip as the
        count where Redis holds both (counter.count_view_at), else read here."""
        headers = list(replay.headers)
        values = {}
        counts = self.counts_a_view(environ, replay)
        if not counts and freshness.content_version() != version:
            return None
        if replay.counted is not None:
            post_pk = replay.counted[0]
            try:
                if counts:
                    views = counter.count_view_at(version, post_pk, counter.today(replay.tzinfo))
                else:
                    views = counter.current_views(page_cache.CountedPost(post_pk))
            except DatabaseError:
                # Django's end of request closes a connection that failed, for the next one.
                signals.request_finished.send(sender=self.__class__)
                raise
            if views is None:
                return None
            values["views"] = views
        if replay.uses_csrf:
            # As Django's get_token: a new secret for a new reader, and the cookie sent again
            # to renew its expiry whenever a form uses it.
            if secret is None:
                secret, values["csrf"] = csrf_tokens.new_secret_and_token()
            else:
                values["csrf"] = csrf_tokens.masked(secret)
            headers.append(("Set-Cookie", self.csrf_cookie(secret)))
        nonce = ""
        if replay.uses_nonce:  # as django-csp makes it
            nonce = values["csp-nonce"] = base64.b64encode(random_pool.take(16)).decode()
        headers += [(name, nonce.join(pieces)) for name, pieces in replay.csp_headers]
        body = fill.filled_chunks(None, replay.parts, values)
        headers.append(("Content-Length", str(sum(map(len, body)))))
        start_response("200 OK", headers)
        return body

    @staticmethod
    def counts_a_view(environ, replay):
        """Whether this load is a reader's view of a post the page counts."""
        if replay.counted is None or not replay.counted[1]:
            return False
        return not counter.is_bot(environ.get("HTTP_USER_AGENT"))
