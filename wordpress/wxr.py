"""Reading a WordPress export (WXR 1.0, 1.1, 1.2, http:// or https:// namespaces) as a stream:
authors, terms and items come out one at a time and are then forgotten, so memory stays flat
however large the file. Parsed with defusedxml: DTDs, entities and external references refused.
"""

import datetime
import functools
from dataclasses import dataclass, field
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from blog.converters import ID_MAX


class WXRError(Exception):
    """The file cannot be imported; the message names the problem and where it is."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass
class Comment:
    wp_id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime.datetime | None = None
    date_gmt: datetime.datetime | None = None
    content: str = ""
    approved: str = "1"
    kind: str = ""
    parent: int = 0
    user_id: int = 0


@dataclass
class Item:
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    wp_id: int = 0
    date: datetime.datetime | None = None
    date_gmt: datetime.datetime | None = None
    comment_status: str = "open"
    ping_status: str = "open"
    slug: str = ""
    status: str = "publish"
    parent: int = 0
    menu_order: int = 0
    post_type: str = "post"
    password: str = ""
    sticky: bool = False
    attachment_url: str = ""
    terms: list = field(default_factory=list)  # [(kind, slug, name)]
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def parse_date(text):
    """WordPress's "Y-m-d H:i:s"; the zero date of drafts and bad values give None."""
    text = (text or "").strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _int(text, low=0, high=ID_MAX):
    """A number of the export (by default an ID); 0 for none, or for one out of range."""
    try:
        number = int((text or "0").strip())
    except ValueError:
        return 0
    return number if low <= number <= high else 0


@functools.lru_cache(maxsize=512)  # a file repeats a few dozen tags thousands of times
def _local(tag):
    """(namespace kind, local name) of a tag: wp, excerpt, content, dc or ''."""
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        if "wordpress.org/export/" in namespace:
            return ("excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"), local
        if "purl.org/rss/1.0/modules/content" in namespace:
            return "content", local
        if "purl.org/dc/elements" in namespace:
            return "dc", local
        return "other", local
    return "", tag


def _text(element):
    return element.text or ""


def _children(element):
    return {(_local(child.tag)): child for child in element}


def _author(element):
    values = {
        local: _text(child) for (kind, local), child in _children(element).items() if kind == "wp"
    }
    return Author(
        login=values.get("author_login", "").strip(),
        email=values.get("author_email", "").strip(),
        display_name=values.get("author_display_name", "").strip(),
        first_name=values.get("author_first_name", "").strip(),
        last_name=values.get("author_last_name", "").strip(),
    )


def _term(element, local):
    values = {
        name: _text(child) for (kind, name), child in _children(element).items() if kind == "wp"
    }
    if local == "category":
        return Term(
            "category",
            unquote(values.get("category_nicename", "")).strip(),
            values.get("cat_name", "").strip(),
            unquote(values.get("category_parent", "")),
            values.get("category_description", ""),
        )
    if local == "tag":
        return Term(
            "post_tag",
            unquote(values.get("tag_slug", "")).strip(),
            values.get("tag_name", "").strip(),
            "",
            values.get("tag_description", ""),
        )
    taxonomy = values.get("term_taxonomy", "")
    if taxonomy not in ("category", "post_tag"):
        return None
    return Term(
        taxonomy,
        unquote(values.get("term_slug", "")).strip(),
        values.get("term_name", "").strip(),
        unquote(values.get("term_parent", "")),
        values.get("term_description", ""),
    )


def _comment(element):
    values = {
        local: _text(child) for (kind, local), child in _children(element).items() if kind == "wp"
    }
    return Comment(
        wp_id=_int(values.get("comment_id")),
        author=values.get("comment_author", ""),
        email=values.get("comment_author_email", "").strip(),
        url=values.get("comment_author_url", "").strip(),
        ip=values.get("comment_author_IP", "").strip(),
        date=parse_date(values.get("comment_date")),
        date_gmt=parse_date(values.get("comment_date_gmt")),
        content=values.get("comment_content", ""),
        approved=values.get("comment_approved", "1").strip(),
        kind=values.get("comment_type", "").strip(),
        parent=_int(values.get("comment_parent")),
        user_id=_int(values.get("comment_user_id")),
    )


def _item(element):
    item = Item()
    for child in element:
        kind, local = _local(child.tag)
        text = _text(child)
        if kind == "" and local == "title":
            item.title = text
        elif kind == "" and local == "link":
            item.link = text.strip()
        elif kind == "" and local == "category":
            domain = child.get("domain", "category")
            if domain in ("category", "post_tag", "tag"):
                slug = unquote(child.get("nicename", "") or "").strip()
                item.terms.append(("post_tag" if domain == "tag" else domain, slug, text.strip()))
        elif kind == "dc" and local == "creator":
            item.creator = text.strip()
        elif kind == "content" and local == "encoded":
            item.content = text
        elif kind == "excerpt" and local == "encoded":
            item.excerpt = text
        elif kind == "wp":
            _item_field(item, local, child, text)
    return item


def _item_field(item, local, child, text):
    if local == "post_id":
        item.wp_id = _int(text)
    elif local == "post_date":
        item.date = parse_date(text)
    elif local == "post_date_gmt":
        item.date_gmt = parse_date(text)
    elif local in ("comment_status", "ping_status", "status", "post_type"):
        setattr(item, local, text.strip())
    elif local == "post_name":
        item.slug = unquote(text.strip())
    elif local == "post_parent":
        item.parent = _int(text)
    elif local == "menu_order":
        item.menu_order = _int(text, -(2**31), 2**31 - 1)  # an IntegerField
    elif local == "post_password":
        item.password = text
    elif local == "is_sticky":
        item.sticky = text.strip() == "1"
    elif local == "attachment_url":
        item.attachment_url = text.strip()
    elif local == "postmeta":
        values = {name: _text(c) for (kind, name), c in _children(child).items() if kind == "wp"}
        if values.get("meta_key"):
            item.meta[values["meta_key"]] = values.get("meta_value", "")
    elif local == "comment":
        item.comments.append(_comment(child))


def read(source):
    """Yield ("site", dict), ("author", Author), ("term", Term) and ("item", Item) in file order.

    `source` is a path or a binary file. Raises WXRError for files that are not a WordPress
    export, are cut short, or hold forbidden XML constructs."""
    depth, seen_rss, seen_wxr, site = 0, False, False, {}
    channel = None
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if depth == 1:
                    if element.tag != "rss":
                        raise WXRError(
                            f"This is not a WordPress export: the document is "
                            f"<{_local(element.tag)[1]}>, not <rss>."
                        )
                    seen_rss = True
                elif depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            kind, local = _local(element.tag)
            if kind == "wp":
                seen_wxr = True
                if local == "author":
                    yield "author", _author(element)
                elif local in ("category", "tag", "term"):
                    term = _term(element, local)
                    if term is not None:
                        yield "term", term
                elif local in ("wxr_version", "base_site_url", "base_blog_url"):
                    site[local] = _text(element).strip()
            elif kind == "" and local == "item":
                item = _item(element)
                if not seen_wxr and not item.wp_id:
                    raise WXRError("This RSS feed is not a WordPress export (no wp: data).")
                seen_wxr = True
                if site is not None:
                    yield "site", site
                    site = None
                yield "item", item
            elif kind == "" and local in ("title", "link", "description") and site is not None:
                site[local] = _text(element).strip()
            channel.remove(element)  # forget what was read: memory stays flat
    except DefusedXmlException as error:
        raise WXRError(f"The file uses forbidden XML ({type(error).__name__}): refused.") from error
    except SyntaxError as error:  # ElementTree.ParseError, with (line, column)
        line, column = getattr(error, "position", (0, 0))
        raise WXRError(
            f"The file is not well-formed XML at line {line}, column {column}: "
            f"{error.msg if hasattr(error, 'msg') else error}."
        ) from error
    except LookupError as error:  # <?xml encoding="U-F-8"?>
        raise WXRError(f"The file declares an encoding that does not exist ({error}).") from error
    except UnicodeDecodeError as error:
        raise WXRError(
            f"The file's text is not in the encoding it declares ({error.reason} "
            f"at byte {error.start})."
        ) from error
    if not seen_rss or not seen_wxr:
        raise WXRError("This is not a WordPress export: no WordPress data was found.")
    if site is not None:
        yield "site", site
