"""Turning stored post HTML into what readers see: shortcodes, captions and paragraphs; and
`VisibleContent`, what of an entry a reader may see (`Post.visible_content` decides)."""

import html as html_entities
import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.html import escape
from django.utils.translation import gettext

from .embeds import html_for

CAPTION_RE = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.DOTALL | re.IGNORECASE)
ATTR_RE = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
IMAGE_RE = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE
)
BLOCK_TAGS = (
    "address|article|aside|blockquote|details|div|dl|fieldset|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|th|thead|tr|ul|iframe|"
    "audio|video|script|style|option|select|caption"
)
BLOCK_START_RE = re.compile(rf"^\s*</?(?:{BLOCK_TAGS})\b", re.IGNORECASE)
BLOCK_END_RE = re.compile(rf"</?(?:{BLOCK_TAGS})\b[^>]*>\s*$", re.IGNORECASE)


def render_caption(match):
    attrs = dict(ATTR_RE.findall(match.group(1)))
    image = IMAGE_RE.match(match.group(2))
    if not image:
        return match.group(2)
    media, caption = image.group(1), image.group(2).strip()
    align = attrs.get("align", "alignnone")
    element_id = f' id="{escape(attrs["id"])}"' if attrs.get("id") else ""
    width = attrs.get("width", "")
    style = f' style="width: {int(width)}px"' if width.isascii() and width.isdigit() else ""
    return (
        f'<figure{element_id} class="wp-caption {escape(align)}"{style}>{media}'
        f'<figcaption class="wp-caption-text">{caption}</figcaption></figure>'
    )


GALLERY_RE = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
EMBED_RE = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
# WordPress's auto-embed: a web address alone on its line, not inside a tag or a link.
AUTOEMBED_RE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
BLOCK_DELIMITER_RE = re.compile(r"<!--\s*/?wp:[^>]*?-->\n?")


def render_gallery(match, post_id=None):
    """WordPress's [gallery]: the listed attachments (ids="…", WordPress IDs) or the post's own."""
    from .models import Media

    attrs = dict(ATTR_RE.findall(match.group(1)))
    ids = [int(n) for n in re.findall(r"\d+", attrs.get("ids", ""))]
    if ids:
        found = {m.wp_id: m for m in Media.objects.filter(wp_id__in=ids)}
        items = [found[n] for n in ids if n in found]
    elif post_id:
        items = list(Media.objects.filter(parent_id=post_id, mime_type__startswith="image/"))
    else:
        items = []
    columns = attrs.get("columns", "3")
    columns = int(columns) if columns in {str(n) for n in range(1, 10)} else 3
    figures = "".join(
        f'<figure class="gallery-item"><a href="{escape(item.url)}"><img '
        f'src="{escape(item.size_url("thumbnail"))}" alt="{escape(item.alt_text)}" '
        f'loading="lazy"></a>'
        + (
            f'<figcaption class="wp-caption-text gallery-caption">{escape(item.caption)}'
            f"</figcaption>"
            if item.caption
            else ""
        )
        + "</figure>"
        for item in items
    )
    return f'<div class="gallery gallery-columns-{columns}">{figures}</div>' if figures else ""


def expand_shortcodes(html, post_id=None):
    html = CAPTION_RE.sub(render_caption, html)
    if "[gallery" in html:
        html = GALLERY_RE.sub(lambda m: render_gallery(m, post_id), html)
    if "[embed" in html:
        html = EMBED_RE.sub(lambda m: _embed(m.group(1).strip()), html)
    if "http" in html and "<!-- wp:" not in html:
        html = AUTOEMBED_RE.sub(lambda m: _embed(m.group(1)), html)
    return html


def _embed(url):
    if not url.startswith(("http://", "https://")):
        return escape(url)
    return html_for(url)


def autop(text):
    """WordPress's wpautop, simplified: blank lines make paragraphs, single newlines <br>.

    Chunks that already are block-level HTML are left as they are.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    chunks = re.split(r"\n\s*\n", text)
    out = []
    for chunk in chunks:
        chunk = chunk.strip()
        if BLOCK_START_RE.match(chunk) and BLOCK_END_RE.search(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"(?<!>)\n", "<br>\n", chunk) + "</p>")
    return "\n".join(out)


MORE_RE = re.compile(r"<!--more(.*?)?-->", re.IGNORECASE)
NEXTPAGE_RE = re.compile(r"\s*<!--nextpage-->\s*", re.IGNORECASE)


def render_post_body(html, post_id=None):
    """Shortcodes expanded; block-editor content keeps its own markup (its delimiters are
    dropped, as WordPress renders blocks), classic content gets paragraphs from wpautop."""
    html = expand_shortcodes(html, post_id)
    if "<!-- wp:" in html:
        return BLOCK_DELIMITER_RE.sub("", html)
    return autop(html)


def split_pages(html):
    """The pages of a post split with <!--nextpage-->, as WordPress's page links."""
    return NEXTPAGE_RE.split(html) or [""]


IMG_TAG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
WP_IMAGE_RE = re.compile(r"\bwp-image-(\d+)\b")


def responsive_images(html):
    """Give library images (class "wp-image-ID") srcset, sizes, dimensions and lazy loading,
    as WordPress does on output; one query for all of them."""
    from .models import Media

    ids = {int(n) for n in WP_IMAGE_RE.findall(html)}
    if not ids:
        return html
    library = Media.objects.in_bulk(ids)

    def enrich(match):
        tag = match.group(0)
        found = WP_IMAGE_RE.search(tag)
        item = library.get(int(found.group(1))) if found else None
        if item is None or not item.is_image:
            return tag
        extra = []
        lowered = tag.lower()
        if " srcset=" not in lowered:
            extra.append(f'srcset="{escape(item.srcset())}"')
            extra.append(f'sizes="(max-width: {item.width}px) 100vw, {item.width}px"')
        if " width=" not in lowered and item.width:
            extra.append(f'width="{item.width}" height="{item.height}"')
        if " loading=" not in lowered:
            extra.append('loading="lazy" decoding="async"')
        closing = "/>" if tag.endswith("/>") else ">"
        return f"{tag[: -len(closing)].rstrip()} {' '.join(extra)}{closing}"

    return IMG_TAG_RE.sub(enrich, html)


SRC_RE = re.compile(r'\bsrc="([^"]+)"', re.IGNORECASE)
SIZE_SUFFIX_RE = re.compile(r"-\d+x\d+(?=\.\w+$)")
CAPTIONED_FIGURE_RE = re.compile(
    r'(<figure\b[^>]*\bclass="[^"]*\bwp-caption\b[^"]*"[^>]*>.*?)<figcaption(?: class="[^"]*")?>',
    re.IGNORECASE | re.DOTALL,
)


def mark_library_images(html):
    """When an entry is saved: images from the media library get WordPress's `wp-image-ID`
    class (so srcset is added on output) and captioned figures the theme's caption class,
    whatever editor wrote them (the visual editor keeps neither)."""
    from django.conf import settings

    from .models import Media

    html = CAPTIONED_FIGURE_RE.sub(r'\1<figcaption class="wp-caption-text">', html)
    prefix = settings.MEDIA_URL
    wanted = {}
    for tag in IMG_TAG_RE.findall(html):
        found = SRC_RE.search(tag)
        if WP_IMAGE_RE.search(tag) or not found or prefix not in found.group(1):
            continue
        name = found.group(1).split(prefix, 1)[1]
        wanted[tag] = SIZE_SUFFIX_RE.sub("", name)
    if not wanted:
        return html
    library = dict(Media.objects.filter(file__in=set(wanted.values())).values_list("file", "pk"))

    def mark(match):
        tag = match.group(0)
        pk = library.get(wanted.get(tag))
        if pk is None:
            return tag
        if re.search(r'\bclass="', tag, re.IGNORECASE):
            return re.sub(r'\bclass="', f'class="wp-image-{pk} ', tag, count=1, flags=re.IGNORECASE)
        return tag.replace("<img", f'<img class="wp-image-{pk}"', 1)

    return IMG_TAG_RE.sub(mark, html)


def render_single(html, post_id, page=1):
    """One page of a post, the <!--more--> tag turned into the anchor "Continue reading" uses."""
    body = split_pages(html)[page - 1]
    body = MORE_RE.sub(f'<span id="more-{post_id}"></span>', body, count=1)
    return responsive_images(render_post_body(body, post_id))


def kept_single(entry, page=1):
    """`render_single` of a saved entry, kept in the cache until the entry, or anything its body
    shows (a gallery's images), changes; each worker remembers it until the content moves on."""
    from .freshness import content_version
    from .version_memo import read_through

    if entry.pk is None or entry.updated_at is None:
        return render_single(entry.body, entry.pk, page)
    key = f"inkwell:body:{entry.pk}:{entry.updated_at.timestamp()}:{page}:{content_version()}"
    return read_through(key, lambda: render_single(entry.body, entry.pk, page), 86400)


def render_teaser(html):
    """What a list shows of a post: the part before <!--more--> (and the link text it asks
    for), or the whole first page. Returns (html, more_link_text or None)."""
    first_page = split_pages(html)[0]
    match = MORE_RE.search(first_page)
    if not match:
        return responsive_images(render_post_body(first_page)), None
    link_text = (match.group(1) or "").strip() or gettext("Continue reading →")
    return responsive_images(render_post_body(first_page[: match.start()])), link_text


TAG_RE = re.compile(r"<[^>]*>")
DESCRIPTION_LENGTH = 160


def plain_text(markup):
    return " ".join(html_entities.unescape(TAG_RE.sub(" ", markup)).split())


@dataclass(frozen=True)
class VisibleContent:
    """What of an entry a reader may see. Locked (a password not given), it holds nothing of
    the content, so no output built from it can carry any: the page, meta tags, JSON-LD,
    feeds, search snippets and index, exports."""

    unlocked: bool
    body: str = ""
    excerpt: str = ""

    @cached_property
    def description(self):
        """About 160 characters of plain text: the excerpt, else the teaser."""
        text = plain_text(self.excerpt) or plain_text(render_teaser(self.body)[0])
        if len(text) <= DESCRIPTION_LENGTH:
            return text
        return text[: DESCRIPTION_LENGTH - 3].rsplit(" ", 1)[0] + "\u2026"

    def teaser(self):
        """(html, more link text or None): what a list shows."""
        return render_teaser(self.body) if self.unlocked else ("", None)

    def snippet(self, words, length=240):
        """About `length` characters of plain text around the first of `words` that occurs."""
        text = plain_text(self.excerpt) or plain_text(self.body)
        lowered = text.lower()
        positions = [lowered.find(word.lower()) for word in words or []]
        positions = [p for p in positions if p >= 0]
        start = max(0, min(positions) - 80) if positions else 0
        prefix = "\u2026 " if start else ""
        suffix = " \u2026" if start + length < len(text) else ""
        return f"{prefix}{text[start : start + length]}{suffix}"


RELATIVE_URL_RE = re.compile(r'(\s(?:src|href|poster)=")(/(?!/)[^"]*)"', re.IGNORECASE)
RELATIVE_SRCSET_RE = re.compile(r'(\ssrcset=")([^"]*)"', re.IGNORECASE)


def absolute_urls(html, origin):
    """Site-relative addresses made absolute (`origin` is scheme://host), for feed readers,
    which show an item far from the page its relative links were written for."""
    html = RELATIVE_URL_RE.sub(lambda m: f'{m.group(1)}{origin}{m.group(2)}"', html)

    def srcset(match):
        candidates = [c.strip() for c in match.group(2).split(",")]
        fixed = [
            origin + c if c.startswith("/") and not c.startswith("//") else c for c in candidates
        ]
        return f'{match.group(1)}{", ".join(fixed)}"'

    return RELATIVE_SRCSET_RE.sub(srcset, html)
