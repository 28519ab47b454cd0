"""Trackbacks at <permalink>trackback/, answered with WordPress's XML."""

import codecs
import re
from urllib.parse import parse_qsl

from django.http import Http404, HttpResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from blog.clients import client_ip
from blog.models import Post

from .. import moderation
from ..models import Kind
from . import guard, store


def _answer(error=None, status=200):
    if error is None:
        body = '<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>0</error>\n</response>\n'
    else:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>1</error>\n'
            f"<message>{escape(error)}</message>\n</response>\n"
        )
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def _cut(text, length):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "\u2026"


def _fields(request):
    """The POSTed fields, decoded with the charset the sender named (WordPress honours a
    `charset` parameter as well as the Content-Type's)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return {name: value.replace("\x00", "") for name, value in request.POST.items()}
    raw = request.body
    named = request.GET.get("charset") or request.content_params.get("charset")
    if not named:
        match = re.search(rb"(?:^|&)charset=([A-Za-z0-9_.:-]{1,40})", raw)
        named = match.group(1).decode() if match else "utf-8"
    charset = codecs.lookup(named).name
    pairs = parse_qsl(
        raw.decode(charset, errors="replace"),
        keep_blank_values=True,
        encoding=charset,
        errors="replace",
    )
    return {name: value.replace("\x00", "") for name, value in pairs}  # no text holds a NUL


@csrf_exempt
def receive(request, year, month, day, slug):
    post = Post.objects.published().at_permalink(year, month, day, slug)
    if post is None:
        raise Http404
    if request.method != "POST":
        return _answer("I really need an ID for this to work.", status=405)
    if refused := guard.refusal(request):
        status, reason = refused
        return _answer(f"Sorry, {reason}.", status=status)
    try:
        fields = _fields(request)
    except (LookupError, UnicodeError):  # no such codec, or one that is no text encoding
        return _answer("Unknown charset.", status=400)

    url = fields.get("url", "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 200:
        return _answer("A trackback needs the URL of the page that links here.", status=400)
    if not post.pings_open:
        return _answer("Sorry, trackbacks are closed for this item.", status=403)
    title = _cut(fields.get("title", "") or url, 250)
    excerpt = _cut(fields.get("excerpt", ""), 252)
    blog_name = _cut(fields.get("blog_name", "") or title, 245)
    if store.already_pinged(post, Kind.TRACKBACK, url):
        return _answer("We already have a ping from that URL for this post.", status=409)
    text = f"<strong>{escape(title)}</strong>\n\n{escape(excerpt)}"
    try:
        store.record(
            post,
            Kind.TRACKBACK,
            blog_name,
            url,
            text,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except moderation.Rejected as rejected:
        return _answer(rejected.message, status=rejected.status)
    return _answer()
