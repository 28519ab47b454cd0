"""WordPress's query-string addresses that name an archive or a feed — `?cat=ID`, `?tag=slug`,
`?author=ID`, `?m=YYYY[MM[DD]]`, `?feed=rss2|atom|comments-rss2|comments-atom`, alone or
combined — answered, as WordPress's canonical redirect does, by a permanent redirect to the
permalink."""

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from .converters import parse_id
from .models import Category, Tag

FEEDS = {"rss2": "", "rss": "", "feed": "", "atom": "atom/", "rdf": ""}
COMMENT_FEEDS = {"comments-rss2": "comments-feed", "comments-atom": "comments-feed-atom"}


def permalink_for(query):
    """The permalink `query` names, "" when it names nothing there is, or None when it holds
    none of these parameters."""
    feed = query.get("feed", "")
    if feed in COMMENT_FEEDS:
        return reverse(COMMENT_FEEDS[feed])
    archive = _archive(query)
    if archive is None:
        if not feed:
            return None
        return reverse("blog:feed") + FEEDS[feed] if feed in FEEDS else ""
    if not archive or not feed:
        return archive
    return archive + "feed/" + FEEDS.get(feed, "") if feed in FEEDS else ""


def _archive(query):
    if "cat" in query:
        category = Category.objects.filter(pk=parse_id(query["cat"]) or 0).first()
        return category.get_absolute_url() if category else ""
    if "tag" in query:
        tag = Tag.objects.filter(slug=query["tag"].split(",")[0].strip()).first()
        return tag.get_absolute_url() if tag else ""
    if "author" in query:
        author = get_user_model().objects.filter(pk=parse_id(query["author"]) or 0).first()
        return reverse("blog:author", args=[author.get_username()]) if author else ""
    if "m" in query:
        return _date_archive(query["m"])
    return None


def _date_archive(value):
    if not value.isascii() or not value.isdigit() or len(value) not in (4, 6, 8):
        return ""
    parts = [int(value[:4]), int(value[4:6] or 0), int(value[6:8] or 0)]
    names = {4: "blog:year", 6: "blog:month", 8: "blog:day"}
    try:
        return reverse(names[len(value)], args=[p for p in parts if p])
    except NoReverseMatch:
        return ""
