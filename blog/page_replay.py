"""Kept pages served again before Django's request cycle. Once Django has served a page from
the page cache (blog/page_cache.py), this WSGI layer (config/wsgi.py) keeps that response in
the worker's memory under the content version (blog/version_memo.py) and answers the next
readers of the same address with it: the same status and headers, the kept bytes filled with
this response's own values (the live view count, the CSRF token and its cookie, the comment
form's one-time fields, the CSP nonce and its header), the view counted as on every kept page.

Only what the page cache itself would serve is replayed (an anonymous GET with no query and no
cookie of the reader's own), and only at an address and a content version Django has just
served the same way, so everything Django decides before the page cache (the allowed hosts,
the scheme behind a trusted proxy, redirects) has already been decided for it. The CSRF and
CSP middleware run their own hooks here, so their rules stay in one place."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from . import page_cache, request_memo
from .clients import drop_untrusted_forwarded_headers
from .security_headers import ContentSecurityPolicyMiddleware
from .version_memo import VersionMemo

REPLAY_BYTES = 16 * 1024 * 1024  # of kept pages per worker, beside the shared page cache
# Set again on every response by the hooks below, or by the WSGI server.
PER_RESPONSE_HEADERS = {
    "content-length",
    "content-security-policy",
    "content-security-policy-report-only",
    "date",
    "set-cookie",
}


@dataclass(frozen=True)
class Replay:
    headers: tuple  # (name, value) as Django's whole middleware stack left them
    parts: list  # the kept page, split at its markers (blog/fill.py)
    counted: tuple | None  # (post key, whether a load counts as a view)
    tzinfo: object  # the site's time zone, for the day a view is counted on
    expires: float  # when the kept page it repeats expires (time.time())

    def size(self):
        return sum(len(part) for part in self.parts)


def _unused(request):
    raise AssertionError("only the middleware's hooks are called")


class PageReplayApp:
    def __init__(self, app):
        self.app = app
        self.replays = VersionMemo(size=256, weigh=Replay.size, max_weight=REPLAY_BYTES)
        self.csrf = CsrfViewMiddleware(_unused)
        self.csp = ContentSecurityPolicyMiddleware(_unused)

    def __call__(self, environ, start_response):
        if not settings.INKWELL_PAGE_CACHE or environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        drop_untrusted_forwarded_headers(environ)
        request = WSGIRequest(environ)
        try:
            address = (request.scheme, request.get_host(), request.path)
        except DisallowedHost:
            return self.app(environ, start_response)  # Django answers it
        if not page_cache.may_use(request):
            return self.app(environ, start_response)
        with request_memo.remembered():
            version, replay = self.replays.get(address)
        if replay is not None and time.time() >= replay.expires:
            replay = None  # Django serves it, and the page cache decides afresh
        if replay is None:
            response = self.app(environ, start_response)
            found = getattr(response, "replay", None)
            if found is not None and response.status_code == 200:
                headers = tuple(
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in PER_RESPONSE_HEADERS
                )
                self.replays.put(version, address, Replay(headers, *found))
            return response
        return self.replay(request, replay, start_response)

    def replay(self, request, replay, start_response):
        signals.request_started.send(sender=self.__class__, environ=request.environ)
        self.csrf.process_request(request)
        self.csp.process_request(request)
        with timezone.override(replay.tzinfo):  # the day a view is counted on
            response = page_cache.kept_response(
                request, 200, replay.headers, replay.parts, replay.counted
            )
        response["Content-Length"] = str(len(response.content))
        response = page_cache.conditional(request, response)
        self.csrf.process_response(request, response)
        self.csp.process_response(request, response)
        response._resource_closers.append(request.close)  # request_finished, as Django's
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [
            *response.items(),
            *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()),
        ]
        start_response(status, headers)
        return response
