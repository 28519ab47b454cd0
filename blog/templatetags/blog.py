"""Template tags for themes: the sidebar and post navigation."""

import json
import re
import time

from django import template
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .. import dates, fill, freshness, themes, widgets
from ..models import Post
from ..version_memo import VersionMemo, read_through

ENTITY_RE = re.compile(r"(&#?\w+;)")
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

register = template.Library()
_fragments = VersionMemo(size=256, weigh=len, max_weight=8 * 1024 * 1024)
_fragment_bytes = VersionMemo(size=64, weigh=len, max_weight=16 * 1024 * 1024)


def _encoded(version, key, html):
    """A kept fragment as bytes, encoded once while the content version stays."""
    found = _fragment_bytes.get(key)[1]
    if found is None:
        found = html.encode()
        _fragment_bytes.put(version, key, found)
    return found


@register.simple_tag(takes_context=True)
def sidebar(context):
    """The sidebar, cached as HTML as long as its data (the search box shows `?s=` as typed)."""
    request, site = context["request"], context["site"]
    if "s" in request.GET:
        return _render_sidebar(request, site.widget_names)
    fingerprint = freshness.options_fingerprint(site)
    memo_key = (fingerprint, translation.get_language())  # the widgets chosen: a setting
    version, kept = _sidebars.get(memo_key)
    if kept is not None and time.monotonic() < kept[1]:
        return mark_safe(kept[0])  # noqa: S308 - rendered by the theme's template
    names = site.widget_names
    key = f"{widgets.cache_key(names)}:html:{fingerprint}:{memo_key[1]}"
    html = cache.get(key)
    if html is None:
        html = _render_sidebar(request, names)
        cache.set(key, html, widgets.TIMEOUT)
    _sidebars.put(version, memo_key, (html, time.monotonic() + SIDEBAR_KEPT_SECONDS))
    return mark_safe(html)  # noqa: S308 - rendered by the theme's template


# Each worker keeps the sidebar it last read for the content version, which every change of
# the widgets' data moves (widgets.invalidate), and for a few seconds at most: the most viewed
# posts change with views alone.
SIDEBAR_KEPT_SECONDS = 10
_sidebars = VersionMemo(size=64, weigh=lambda kept: len(kept[0]), max_weight=4 * 1024 * 1024)


def _render_sidebar(request, names):
    template_ = themes.get_template(["sidebar.html"])
    return template_.render({"widgets": widgets.sidebar_data(names), "request": request})


@register.filter
def teaser(post):
    """(html, more link text or None): what a list shows of the post."""
    return post.visible_content().teaser()


@register.filter
def highlight(text, words):
    """Escape `text` and wrap the search words in <mark>, never inside an entity."""
    escaped = str(escape(text))
    if not words:
        return mark_safe(escaped)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts = ENTITY_RE.split(escaped)
    marked = [
        part
        if ENTITY_RE.fullmatch(part)
        else pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", part)
        for part in parts
    ]
    return mark_safe("".join(marked))


@register.filter
def search_snippet(post, words):
    """About 30 words of the post around the first search word (none of a protected one)."""
    return post.visible_content().snippet(words)


@register.filter
def meta_description(post):
    """The description meta tags and JSON-LD carry: nothing of a protected post's content."""
    return post.visible_content().description


@register.simple_tag(takes_context=True)
def post_json_ld(context, post, description):
    """schema.org BlogPosting for the post, safe to put in a <script> element."""
    request = context["request"]
    author = post.author
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.display_title,
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "datePublished": post.published_at.isoformat(),
        "dateModified": post.updated_at.isoformat(),
        "author": {"@type": "Person", "name": author.get_full_name() or author.get_username()},
        "description": description,
        "publisher": {"@type": "Organization", "name": context["site"].title},
    }
    encoded = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    nonce = escape(getattr(request, "csp_nonce", ""))
    return mark_safe(f'<script type="application/ld+json" nonce="{nonce}">{encoded}</script>')


@register.filter
def adjacent_post(post, direction):
    """The previous or next published post by date, as WordPress's post navigation links;
    both looked up once per content version."""
    neighbours = post.__dict__.get("_neighbours")
    if neighbours is None:
        key = (
            f"inkwell:neighbours:{post.pk}:{post.published_at.timestamp()}:"
            f"{freshness.content_version()}"
        )
        neighbours = read_through(key, lambda: _neighbours(post), 86400)
        post.__dict__["_neighbours"] = neighbours
    return neighbours["previous" if direction == "previous" else "next"]


def _neighbours(post):
    published = Post.objects.published().posts().only("post_type", "title", "slug", "published_at")
    return {
        "previous": published.filter(published_at__lt=post.published_at).first(),
        "next": published.filter(published_at__gt=post.published_at)
        .order_by("published_at")
        .first(),
    }


@register.filter
def cut_page(path):
    """A list's path without its /page/N/ part."""
    return re.sub(r"page/\d+/$", "", path)


@register.filter
def isotime(value):
    """An ISO 8601 time in the site's zone, to the second, as HTML's datetime attribute wants."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


register.filter("wpdate", dates.wp_format)


@register.tag
def kept(parser, token):
    """`{% kept "name" value… [spliced] %}…{% endkept %}`: the enclosed HTML rendered once for
    each set of values while the site's content version stays the same, then kept in this
    worker's memory (blog/version_memo.py). The values must name everything the fragment
    shows that the content version does not (the post, its page, the host, what the reader may
    do); the CSP nonce is kept as a marker, and a fragment holding a CSRF token is never kept.

    `spliced`, for a large fragment (a post's comments): on a page that asks for it
    (blog/views.py render_entry) the fragment stays out of the template's string joins and is
    put into the response's bytes once, as they are filled (blog/fill.py splice). Only for a
    block that no {% cache %} or other {% kept %} encloses: those would keep the marker."""
    name, *values = token.split_contents()[1:]
    spliced = bool(values) and values[-1] == "spliced"
    if spliced:
        values.pop()
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        nodelist,
        parser.compile_filter(name),
        [parser.compile_filter(v) for v in values],
        spliced,
    )


class KeptNode(template.Node):
    def __init__(self, nodelist, name, values, spliced=False):
        self.nodelist, self.name, self.values, self.spliced = nodelist, name, values, spliced

    def render(self, context):
        if context.get("is_preview"):  # unsaved changes under a saved entry's key
            return self.nodelist.render(context)
        key = (
            self.name.resolve(context),
            translation.get_language(),
            *(value.resolve(context) for value in self.values),
        )
        version, html = _fragments.get(key)
        marker = fill.marker("csp-nonce")
        request = context.get("request")
        kept = html is not None
        if not kept:
            html = fill.mark_nonce(request, self.nodelist.render(context))
            kept = not fill.holds_raw_token(html.encode())
            if kept:
                _fragments.put(version, key, html)
        splices = getattr(request, "kept_splices", None)
        if self.spliced and splices is not None:
            # Its nonce markers are filled with the rest of the page's.
            splices.append(_encoded(version, key, html) if kept else html.encode())
            return mark_safe(fill.marker("kept", len(splices) - 1))  # noqa: S308 - a marker
        if marker in html:
            html = html.replace(marker, str(getattr(request, "csp_nonce", "")))
        return mark_safe(html)  # noqa: S308 - rendered by the theme's template
