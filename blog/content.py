"""Turning stored post HTML into what readers see: shortcodes, captions and paragraphs."""

import re

from django.utils.html import escape

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
    style = f' style="width: {int(width)}px"' if width.isdigit() else ""
    return (
        f'<figure{element_id} class="wp-caption {escape(align)}"{style}>{media}'
        f'<figcaption class="wp-caption-text">{caption}</figcaption></figure>'
    )


GALLERY_RE = re.compile(r"\[gallery([^\]]*)\]", re.IGNORECASE)
EMBED_RE = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
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
    columns = int(columns) if columns.isdigit() and 0 < int(columns) < 10 else 3
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
        html = EMBED_RE.sub(
            lambda m: (
                f'<p><a href="{escape(m.group(1).strip())}">{escape(m.group(1).strip())}</a></p>'
            ),
            html,
        )
    return html


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


def render_single(html, post_id, page=1):
    """One page of a post, the <!--more--> tag turned into the anchor "Continue reading" uses."""
    body = split_pages(html)[page - 1]
    body = MORE_RE.sub(f'<span id="more-{post_id}"></span>', body, count=1)
    return responsive_images(render_post_body(body, post_id))


def kept_single(entry, page=1):
    """`render_single` of a saved entry, kept in the cache until the entry, or anything its body
    shows (a gallery's images), changes."""
    from django.core.cache import cache

    from .freshness import content_version

    if entry.pk is None or entry.updated_at is None:
        return render_single(entry.body, entry.pk, page)
    key = f"inkwell:body:{entry.pk}:{entry.updated_at.timestamp()}:{page}:{content_version()}"
    html = cache.get(key)
    if html is None:
        html = render_single(entry.body, entry.pk, page)
        cache.set(key, html, 86400)
    return html


def render_teaser(html):
    """What a list shows of a post: the part before <!--more--> (and the link text it asks
    for), or the whole first page. Returns (html, more_link_text or None)."""
    first_page = split_pages(html)[0]
    match = MORE_RE.search(first_page)
    if not match:
        return responsive_images(render_post_body(first_page)), None
    link_text = (match.group(1) or "").strip() or "Continue reading \u2192"
    return responsive_images(render_post_body(first_page[: match.start()])), link_text
