"""What a commenter's text may contain: WordPress's allowed tags, through nh3, then paragraphs."""

import re

import nh3
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from blog.content import autop

ALLOWED_TAGS = {"a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i",
                "q", "s", "strike", "strong", "p", "br"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}
BARE_URL_RE = re.compile(r"(?<![\"'=>])\b(https?://[^\s<>\"']+)", re.IGNORECASE)


def clean(text):
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="nofollow ugc")


def render_comment_text(text):
    """Sanitise, link bare URLs, make paragraphs; the result is safe to show."""
    text = text.replace("\x00", "")
    linked = urlize(clean(text), nofollow=False, autoescape=False)
    return mark_safe(clean(autop(linked)))
