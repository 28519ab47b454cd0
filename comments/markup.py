"""What a commenter's text may contain: WordPress's allowed tags, through nh3, then paragraphs."""

import re

import nh3
from django.utils.safestring import mark_safe

from blog.content import autop

ALLOWED_TAGS = {
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strike",
    "strong",
    "p",
    "br",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}
BARE_URL_RE = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)]", re.IGNORECASE)
TAG_RE = re.compile(r"(<[^>]*>)")


SAFE_CITE_RE = re.compile(r"^https?://", re.IGNORECASE)


def _filter_attribute(element, attribute, value):
    # nh3 checks the schemes of href, not of cite: only web addresses may stay there.
    if attribute == "cite" and not SAFE_CITE_RE.match(value.strip()):
        return None
    return value


def clean(text):
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc",
        attribute_filter=_filter_attribute,
    )


def link_bare_urls(html):
    """Wrap URLs written as plain text in links, leaving text inside existing links alone."""
    parts, inside_link = [], False
    for part in TAG_RE.split(html):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if part[1:] else ""
            if name == "a":
                inside_link = not part.startswith("</")
        elif not inside_link:
            part = BARE_URL_RE.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', part)
        parts.append(part)
    return "".join(parts)


def render_comment_text(text):
    """Sanitise, link bare URLs, make paragraphs; the result is safe to show."""
    return mark_safe(clean(autop(link_bare_urls(clean(text)))))
