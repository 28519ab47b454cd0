"""oEmbed, as WordPress provides and consumes it: `/wp-json/oembed/1.0/embed?url=…` describes
one of this site's entries (JSON or XML), and `<entry URL>embed/` is the card other sites show in a
sandboxed frame. Only what a reader may see is described; a protected entry's card holds no
content. As a consumer, other sites' oEmbed answers are fetched in the background through the
safe fetcher for the embeds blog/embeds.py shows."""

import hashlib
import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.html import format_html
from django.utils.text import Truncator
from django_tasks import task

from blog import embeds, freshness, themes
from blog.content import render_post_body, render_teaser
from blog.models import Post, SiteOptions
from comments.pings import fetch

from .rest.errors import RestError
from .rest.params import integer

DEFAULT_WIDTH, MIN_WIDTH, MAX_WIDTH = 600, 200, 600


def entry_at(url, request):
    """The published entry `url` names on this site, or None."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.get_host():
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    entries = Post.objects.published().select_related("author")
    kwargs = match.kwargs
    if match.view_name in ("blog:post", "blog:post-page", "wordpress:embed-post"):
        return entries.at_permalink(kwargs["year"], kwargs["month"], kwargs["day"], kwargs["slug"])
    if match.view_name == "page":
        return entries.page_at(kwargs["path"])
    return None


def description(request):
    """The oEmbed answer for `?url=`: 404 rest_oembed_invalid_url when it names nothing."""
    entry = entry_at(request.GET.get("url", ""), request)
    if entry is None:
        raise RestError("oembed_invalid_url", "Not Found", 404)
    width = integer(request, "maxwidth", DEFAULT_WIDTH, minimum=1)
    width = max(MIN_WIDTH, min(width, MAX_WIDTH))
    height = max(int(width / 16 * 9), 200)
    options = SiteOptions.get()
    permalink = request.build_absolute_uri(entry.get_absolute_url())
    card = f"{permalink}embed/"
    html = format_html(
        '<blockquote class="wp-embedded-content"><a href="{}">{}</a></blockquote>'
        '<iframe sandbox="allow-scripts" security="restricted" src="{}" width="{}" height="{}" '
        'title="{}" frameborder="0" marginwidth="0" marginheight="0" scrolling="no" '
        'class="wp-embedded-content"></iframe>',
        permalink,
        entry.title,
        card,
        width,
        height,
        f"“{entry.title}” — {options.title}",
    )
    data = {
        "version": "1.0",
        "provider_name": options.title,
        "provider_url": request.build_absolute_uri("/"),
        "author_name": entry.author.get_full_name() or entry.author.get_username(),
        "author_url": request.build_absolute_uri(f"/author/{entry.author.get_username()}/"),
        "title": entry.title,
        "type": "rich",
        "width": width,
        "height": height,
        "html": str(html),
    }
    if request.GET.get("format", "json") == "xml":
        fields = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in data.items())
        body = f'<?xml version="1.0" encoding="utf-8" standalone="yes"?><oembed>{fields}</oembed>'
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    if request.GET.get("format", "json") != "json":
        raise RestError("oembed_invalid_format", "Invalid format.", 501)
    return JsonResponse(data)


def embed_post(request, year, month, day, slug):
    entry = entry_at(request.path.removesuffix("embed/"), request)
    if entry is None:
        raise Http404
    return _card(request, entry)


def embed_page(request, path):
    entry = entry_at("/" + path, request)
    if entry is None:
        raise Http404
    return _card(request, entry)


def _card(request, entry):
    visible = entry.visible_content(request)
    if not visible.unlocked:
        teaser = ""
    elif visible.excerpt:
        teaser = render_post_body(visible.excerpt)
    else:
        teaser = render_teaser(visible.body)[0]
    context = {
        "post": entry,
        "teaser": Truncator(teaser).words(55, html=True),
        "site": SiteOptions.get(),
    }
    response = themes.render(request, ["embed.html"], context)
    response["X-Frame-Options"] = "ALLOWALL"  # this page exists to be framed by other sites
    return response


# --- as a consumer: other sites' posts embedded in ours (blog/embeds.py shows them) ---------


class _DiscoveryReader(HTMLParser):
    """The JSON oEmbed address a page announces with <link rel="alternate">."""

    def __init__(self):
        super().__init__()
        self.endpoint = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "link"
            and self.endpoint is None
            and attrs.get("type") == "application/json+oembed"
            and attrs.get("href")
        ):
            self.endpoint = attrs["href"]


def discover(url):
    """What `url`'s oEmbed says of it: title, author and provider as text ({} when nothing)."""
    try:
        page = fetch.fetch(url, max_redirects=3, max_bytes=300_000)
        if page.status != 200 or page.content_type not in ("text/html", "application/xhtml+xml"):
            return {}
        reader = _DiscoveryReader()
        reader.feed(page.text())
        if not reader.endpoint:
            return {}
        answer = fetch.fetch(urljoin(page.url, reader.endpoint), max_redirects=3, max_bytes=65_536)
        data = json.loads(answer.body) if answer.status == 200 else {}
    except (fetch.FetchError, ValueError, UnicodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    fields = ("title", "author_name", "provider_name")
    return {name: data[name][:300] for name in fields if isinstance(data.get(name), str)}


@task()
def fetch_embed(url):
    embeds.remember(url, discover(url))
    freshness.content_changed()  # pages holding the link show the card from their next render


def embed_wanted(sender, url, **kwargs):
    """Fetch an embed once an hour at most, in the background, never in a reader's request."""
    if not settings.INKWELL_OEMBED_DISCOVERY:
        return
    asked = "inkwell:oembed-asked:" + hashlib.sha256(url.encode()).hexdigest()
    if cache.add(asked, 1, 3600):
        transaction.on_commit(lambda: fetch_embed.enqueue(url))
