"""Webmention (W3C Recommendation), receiving: `POST /webmention/` with `source` and `target`
is checked at once for what costs nothing (addresses, the target, pings open, the guard) and
answered 202; the background worker then fetches the source through the safe fetcher and,
when it links to the target, stores a response of kind "webmention" under the same
moderation rules as pingbacks. Sending lives in outgoing.py."""

from urllib.parse import urlencode, urlsplit

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tasks import task

from blog.clients import client_ip
from blog.models import Post, SiteOptions

from .. import moderation
from ..models import Kind
from . import fetch, guard, store
from .pingback import PingbackError, post_for_url, verify_source


def _answer(status, text):
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def receive(request):
    if refused := guard.refusal(request):
        status, reason = refused
        return _answer(status, f"{reason.capitalize()}.")
    source, target = request.POST.get("source", "").strip(), request.POST.get("target", "").strip()
    for name, url in (("source", source), ("target", target)):
        try:
            scheme = urlsplit(url).scheme
        except ValueError:
            scheme = ""
        if scheme not in ("http", "https") or len(url) > 500:
            return _answer(400, f"The {name} must be an http or https URL.")
    if source == target:
        return _answer(400, "The source and the target must differ.")
    post = post_for_url(target)
    if post is None:
        return _answer(400, "The target is not a page of this site that accepts webmentions.")
    if not post.pings_open:
        return _answer(400, "The target does not accept webmentions.")
    verify.enqueue(
        source, target, post.pk, client_ip(request), request.headers.get("User-Agent", "")[:255]
    )
    return _answer(202, "Webmention accepted: the source will be checked.")


@task()
def verify(source, target, post_id, ip, user_agent):
    """Fetch the source and store the mention if it links to the target (or drop it)."""
    post = Post.objects.published().filter(pk=post_id).first()
    if post is None or not post.pings_open or store.already_pinged(post, Kind.WEBMENTION, source):
        return "ignored"
    try:
        with timezone.override(SiteOptions.get().tzinfo):
            title, excerpt = verify_source(source, target)
    except PingbackError as error:
        return f"refused: {error.message}"
    try:
        store.record(post, Kind.WEBMENTION, title, source, excerpt, ip=ip, user_agent=user_agent)
    except moderation.Rejected as rejected:
        return f"refused: {rejected.message}"
    return "stored"


def send(source, target, endpoint):
    """Notify `endpoint` that `source` mentions `target`: (outcome, succeeded)."""
    body = urlencode({"source": source, "target": target}).encode()
    response = fetch.fetch(
        endpoint,
        method="POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=0,
    )
    return f"webmention: HTTP {response.status}", 200 <= response.status < 300
