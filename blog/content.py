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


def expand_shortcodes(html):
    return CAPTION_RE.sub(render_caption, html)


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


def render_post_body(html):
    return autop(expand_shortcodes(html))
