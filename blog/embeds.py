"""Other sites' posts embedded in ours, as WordPress embeds them: `[embed]URL[/embed]`, or a
URL alone on its line, shows a card built from that site's oEmbed answer, or a plain link
until the background worker has fetched it. This module asks (the `embed_wanted` signal) and
shows; the wordpress app fetches through the safe fetcher and `remember`s the answer, so blog
imports neither comments nor wordpress. Only the title, author and provider are shown, never
the other site's HTML."""

import hashlib

from django.core.cache import cache
from django.dispatch import Signal
from django.utils.html import format_html

embed_wanted = Signal()  # sent with url=…
KEPT_SECONDS = 24 * 3600


def _key(url):
    return "inkwell:oembed:" + hashlib.sha256(url.encode()).hexdigest()


def remember(url, data):
    """Keep what `url`'s oEmbed said ({} when it has none: a plain link, asked again later)."""
    cache.set(_key(url), data, KEPT_SECONDS if data else 3600)


def html_for(url):
    data = cache.get(_key(url))
    if data is None:
        embed_wanted.send(sender=None, url=url)
        data = cache.get(_key(url))  # a worker that runs tasks at once has answered already
    if not data or not data.get("title"):
        return format_html('<p><a href="{}">{}</a></p>', url, url)
    byline = " — ".join(filter(None, [data.get("author_name"), data.get("provider_name")]))
    return format_html(
        '<blockquote class="wp-embedded-content"><p><a href="{}">{}</a></p>{}</blockquote>',
        url,
        data["title"],
        format_html("<footer>{}</footer>", byline) if byline else "",
    )
