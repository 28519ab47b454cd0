"""Importing a WordPress export: authors, terms, posts, pages, attachments and comments, with
WordPress's IDs kept on our records so every old link still leads somewhere and a second run
updates in place. One transaction per run: a failure writes nothing.

Imported content is cleaned as if typed here: post bodies and excerpts pass the filter of a
writer without "unfiltered HTML" (unless the importing administrator trusts the file), comment
authors' websites must be http(s) addresses as the comment form demands, and so must
attachment addresses."""

import datetime
import ipaddress
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import django_comments
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blog import media as media_files
from blog.converters import parse_id
from blog.forms import sanitize_post_html
from blog.models import (
    Category,
    Discussion,
    Media,
    OldSlug,
    Post,
    PostType,
    PostViews,
    SiteOptions,
    Status,
    Tag,
)
from comments.forms import web_address
from comments.pings import fetch
from comments.signals import no_outgoing_pings

from . import wxr

STATUSES = {"publish", "future", "draft", "pending", "private", "trash"}
COMMENT_STATES = {
    "1": "approved",
    "0": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}
COMMENT_KINDS = {
    "": "comment",
    "comment": "comment",
    "pingback": "pingback",
    "trackback": "trackback",
}
KINDS = ["authors", "categories", "tags", "posts", "pages", "attachments", "comments"]


@dataclass
class Summary:
    counts: dict = field(default_factory=lambda: {k: Counter() for k in KINDS})
    skipped: list = field(default_factory=list)  # (what, why)
    site: dict = field(default_factory=dict)

    def count(self, kind, outcome):
        self.counts[kind][outcome] += 1

    def skip(self, kind, what, why):
        self.counts[kind]["skipped"] += 1
        self.skipped.append(f"{what}: {why}")

    def as_dict(self):
        return {
            "counts": {k: dict(v) for k, v in self.counts.items()},
            "skipped": self.skipped,
            "site": self.site,
        }

    def table(self):
        lines = [f"{'':12} {'created':>8} {'updated':>8} {'skipped':>8}"]
        for kind in KINDS:
            c = self.counts[kind]
            lines.append(f"{kind:12} {c['created']:>8} {c['updated']:>8} {c['skipped']:>8}")
        return "\n".join(lines)


class Importer:
    def __init__(
        self,
        media_dir=None,
        default_author=None,
        old_permalinks="",
        progress=None,
        dry_run=False,
        download_media=False,
        trust_html=False,
    ):
        self.media_dir = Path(media_dir) if media_dir else None
        self.default_author = default_author
        self.old_permalinks = old_permalinks
        self.progress = progress or (lambda done: None)
        self.dry_run = dry_run
        self.download_media = download_media
        self.trust_html = trust_html
        self.summary = Summary()
        self.users = {}
        self.seen_items, self.seen_comments = set(), set()
        self.parents = {}  # page wp_id -> parent wp_id
        self.thumbnails = {}  # post wp_id -> attachment wp_id
        self.attachment_parents = {}  # attachment wp_id -> post wp_id
        self.category_parents = {}  # slug -> parent slug
        self.tz = SiteOptions.get().tzinfo

    def run(self, source):
        # Restored entries are not news: an import sends no pingbacks.
        with no_outgoing_pings(), transaction.atomic():
            self._read(source)
            self._link_later_references()
            if self.old_permalinks:
                options = SiteOptions.get()
                options.old_permalink_structure = self.old_permalinks
                options.save()
            if self.dry_run:
                transaction.set_rollback(True)
        return self.summary

    # --- reading ---------------------------------------------------------------------------

    def _read(self, source):
        done = 0
        for kind, value in wxr.read(source):
            if kind == "site":
                self.summary.site = value
            elif kind == "author":
                self._author(value)
            elif kind == "term":
                self._term(value)
            elif kind == "item":
                self._item(value)
                done += 1
                if done % 100 == 0:
                    self.progress(done)
        self.progress(done)

    def _author(self, author):
        if not author.login:
            return
        User = get_user_model()
        user = User.objects.filter(username=author.login[:150]).first()  # as it is stored
        if user is None:
            first, last = author.first_name, author.last_name
            if not first and not last and author.display_name:
                first, _, last = author.display_name.partition(" ")
            user = User(
                username=author.login[:150],
                email=author.email[:254],
                first_name=first[:150],
                last_name=last[:150],
            )
            user.set_unusable_password()
            user.save()
            self.summary.count("authors", "created")
        else:
            self.summary.count("authors", "updated")
        self.users[author.login] = user

    def _user_for(self, login, item_label):
        if login in self.users:
            return self.users[login]
        if login:
            self._author(wxr.Author(login=login))  # WXR 1.0: authors only as dc:creator
            return self.users[login]
        fallback = self._default_author()
        self.summary.skipped.append(f"{item_label}: no author; given to {fallback.username}")
        return fallback

    def _default_author(self):
        User = get_user_model()
        if self.default_author:
            user = User.objects.filter(username=self.default_author).first()
            if user is None:
                raise wxr.WXRError(f"--default-author {self.default_author!r} does not exist.")
            return user
        user = User.objects.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise wxr.WXRError(
                "An item has no author and there is no superuser to give it to: "
                "create one or pass --default-author."
            )
        return user

    def _term(self, term):
        model, kind = (Category, "categories") if term.kind == "category" else (Tag, "tags")
        slug = (term.slug or slugify(term.name, allow_unicode=True))[:200]
        if not slug:
            self.summary.skip(kind, repr(term.name), "no name or slug")
            return None
        obj, created = model.objects.get_or_create(
            slug=slug, defaults={"name": (term.name or slug)[:200]}
        )
        if not created and term.name and obj.name != term.name[:200]:
            obj.name = term.name[:200]
            obj.save(update_fields=["name"])
        if model is Category:
            if term.description:
                obj.description = term.description
                obj.save(update_fields=["description"])
            if term.parent:
                self.category_parents[slug] = term.parent
        self.summary.count(kind, "created" if created else "updated")
        return obj

    def _item_terms(self, item):
        categories, tags = [], []
        for kind, slug, name in item.terms:
            model = Category if kind == "category" else Tag
            slug = (slug or slugify(name, allow_unicode=True))[:200]
            if not slug:
                continue
            obj, created = model.objects.get_or_create(
                slug=slug, defaults={"name": (name or slug)[:200]}
            )
            if created:
                self.summary.count("categories" if model is Category else "tags", "created")
            (categories if model is Category else tags).append(obj)
        return categories, tags

    def _published_at(self, item):
        """Permalinks come from the local post_date: keep that date in the site's zone."""
        if item.date:
            return timezone.make_aware(item.date, self.tz)
        if item.date_gmt:
            return item.date_gmt.replace(tzinfo=datetime.UTC)
        return timezone.now()

    def _item(self, item):
        label = f"item {item.wp_id} “{item.title[:60]}”"
        if item.post_type == "attachment":
            return self._attachment(item, label)
        if item.post_type not in ("post", "page"):
            return None  # menus, revisions, custom types: not content Inkwell keeps
        kind = "posts" if item.post_type == "post" else "pages"
        if item.status not in STATUSES:
            self.summary.skip(kind, label, f"status {item.status!r} is not imported")
            return None
        if not item.wp_id:
            self.summary.skip(kind, label, "no wp:post_id")
            return None
        if item.wp_id in self.seen_items:
            self.summary.skip(kind, label, "duplicate wp:post_id in the file")
            return None
        self.seen_items.add(item.wp_id)

        post = Post.objects.filter(wp_id=item.wp_id).first()
        created = post is None
        post = post or Post(wp_id=item.wp_id)
        post.post_type = PostType.POST if item.post_type == "post" else PostType.PAGE
        post.title = item.title[:255]
        post.slug = item.slug[:200]
        post.body = self._html(item.content)
        post.excerpt = self._html(item.excerpt)
        post.author = self._user_for(item.creator, label)
        post.status = item.status
        post.published_at = self._published_at(item)
        post.comment_status = (
            Discussion.OPEN if item.comment_status == "open" else (Discussion.CLOSED)
        )
        post.ping_status = Discussion.OPEN if item.ping_status == "open" else Discussion.CLOSED
        post.password = item.password[:255]
        post.is_sticky = item.sticky
        post.menu_order = item.menu_order
        post.legacy_path = legacy_path(item.link)
        if post.status == Status.TRASH:
            post.trashed_at = post.trashed_at or timezone.now()
        post.save()
        if old_slug := unquote(item.meta.get("_wp_old_slug", "").strip())[:200]:
            OldSlug.objects.get_or_create(entry=post, slug=old_slug, path="")
        if item.parent:
            self.parents[item.wp_id] = item.parent
        if (thumbnail := parse_id(item.meta.get("_thumbnail_id", "").strip())) is not None:
            self.thumbnails[item.wp_id] = thumbnail
        categories, tags = self._item_terms(item)
        post.categories.set(categories)
        post.tags.set(tags)
        if (views := parse_id(item.meta.get("views", "").strip())) is not None:
            PostViews.objects.update_or_create(post=post, defaults={"count": views})
        self.summary.count(kind, "created" if created else "updated")
        self._comments(post, item, label)
        return post

    def _html(self, html):
        return html if self.trust_html else sanitize_post_html(html)

    def _attachment(self, item, label):
        if not item.wp_id or item.wp_id in self.seen_items:
            self.summary.skip("attachments", label, "missing or duplicate wp:post_id")
            return None
        self.seen_items.add(item.wp_id)
        url = item.attachment_url or item.link
        if _scheme(url) not in ("", "http", "https"):
            self.summary.skip("attachments", label, "its address is not an http(s) URL")
            return None
        entry = Media.objects.filter(wp_id=item.wp_id).first()
        created = entry is None
        entry = entry or Media(wp_id=item.wp_id)
        entry.title = item.title[:255]
        entry.caption = item.excerpt
        entry.alt_text = item.meta.get("_wp_attachment_image_alt", "")[:500]
        upload = (self._local_copy(url) or self._download(url, label)) if created else None
        if upload is not None:
            try:
                media_files.store(entry, upload)
            except Exception as error:  # a broken file is skipped, not fatal
                self.summary.skip("attachments", label, f"{upload.name}: {error}")
                return None
        elif created:
            entry.remote_url = url[:500]
            entry.mime_type = media_files.mime_type_for(url)
        entry.save()
        if item.parent:
            self.attachment_parents[item.wp_id] = item.parent
        self.summary.count("attachments", "created" if created else "updated")
        return entry

    def _local_copy(self, url):
        """The file under --media-dir for an attachment URL (…/wp-content/uploads/2011/07/x.jpg
        → MEDIA_DIR/2011/07/x.jpg), read into memory, or None."""
        if not self.media_dir or not url:
            return None
        path = urlsplit(url).path
        relative = path.split("/uploads/", 1)[1] if "/uploads/" in path else path.lstrip("/")
        candidate = (self.media_dir / relative).resolve()
        if self.media_dir.resolve() not in candidate.parents or not candidate.is_file():
            return None
        return ContentFile(candidate.read_bytes(), name=candidate.name)

    def _download(self, url, label):
        """With --download-media only, and only through the safe fetcher:
        the file, or None with the reason listed (the attachment then stays remote)."""
        if not self.download_media or not url:
            return None
        limit = settings.INKWELL_MAX_UPLOAD_BYTES
        try:
            response = fetch.fetch(url, max_redirects=3, max_bytes=limit + 1)
        except Exception as error:  # refused or unreachable: keep the remote address
            self.summary.skipped.append(f"{label}: not downloaded ({error}); kept as {url}")
            return None
        if response.status != 200 or len(response.body) > limit:
            reason = f"HTTP {response.status}" if response.status != 200 else "too large"
            self.summary.skipped.append(f"{label}: not downloaded ({reason}); kept as {url}")
            return None
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "attachment"
        return ContentFile(response.body, name=name)

    def _comments(self, post, item, label):
        """The item's comments with their threading: parents before children, every level
        kept (the display depth is a setting); a reply to a missing parent becomes top-level."""
        Comment = django_comments.get_model()
        by_id = {}
        for comment in item.comments:
            if not comment.wp_id or comment.wp_id in self.seen_comments:
                self.summary.skip(
                    "comments",
                    f"comment {comment.wp_id} on {label}",
                    "missing or duplicate wp:comment_id",
                )
                continue
            self.seen_comments.add(comment.wp_id)
            by_id[comment.wp_id] = comment
        children = defaultdict(list)
        roots = []
        for comment in by_id.values():
            if comment.parent and comment.parent in by_id and comment.parent != comment.wp_id:
                children[comment.parent].append(comment)
            else:
                if comment.parent and comment.parent not in by_id:
                    self.summary.skipped.append(
                        f"comment {comment.wp_id} on {label}: parent {comment.parent} is "
                        f"missing; shown at the top level"
                    )
                roots.append(comment)
        existing = {c.wp_id: c for c in Comment.objects.filter(wp_id__in=list(by_id))}
        order = [1]

        def by_date(comment):
            return comment.date_gmt or comment.date or datetime.datetime.min, comment.wp_id

        def save_tree(comment, parent, thread, level):
            """Save `comment` and its replies in thread order; return how many replies."""
            saved = self._save_comment(
                Comment, post, comment, existing, parent, thread, level, order[0]
            )
            order[0] += 1
            nested = 0
            for reply in sorted(children.get(comment.wp_id, []), key=by_date):
                nested += 1 + save_tree(reply, saved, thread or saved, level + 1)
            if nested != saved.nested_count:
                Comment.objects.filter(pk=saved.pk).update(nested_count=nested)
            return nested

        for root in sorted(roots, key=by_date):
            order[0] = 1
            save_tree(root, None, None, 0)

    def _save_comment(self, Comment, post, data, existing, parent, thread, level, order):  # noqa: N803
        comment = existing.get(data.wp_id)
        created = comment is None
        if created:
            comment = Comment(content_object=post, site_id=settings.SITE_ID, wp_id=data.wp_id)
        comment.user_name = (data.author or "Anonymous")[:245]
        comment.user_email = data.email[:254]
        comment.user_url = web_address(data.url)
        if data.url and not comment.user_url:
            self.summary.skipped.append(
                f"comment {data.wp_id}: website {data.url[:80]!r} is not an http(s) address; "
                "left out"
            )
        comment.ip_address = valid_ip(data.ip)
        comment.comment = data.content
        if data.date_gmt:
            comment.submit_date = data.date_gmt.replace(tzinfo=datetime.UTC)
        elif data.date:
            comment.submit_date = timezone.make_aware(data.date, self.tz)
        else:
            comment.submit_date = timezone.now()
        comment.kind = COMMENT_KINDS.get(data.kind, "comment")
        comment.state = COMMENT_STATES.get(data.approved, "pending")
        comment.is_public = comment.state == "approved"
        comment.is_removed = comment.state in ("spam", "trash")
        comment.level = level
        comment.order = order
        comment.thread_id = thread.pk if thread else 0
        comment.parent_id = parent.pk if parent else 0
        # Thread fields are computed here for the whole tree, so django-comments-xtd's own
        # per-save threading (several queries a comment) is skipped: save as a plain comment.
        django_comments.models.Comment.save(comment)
        if not parent:
            comment.thread_id = comment.parent_id = comment.pk
            type(comment).objects.filter(pk=comment.pk).update(
                thread_id=comment.pk, parent_id=comment.pk
            )
        self.summary.count("comments", "created" if created else "updated")
        return comment

    # --- references that may point forward in the file -------------------------------------

    def _link_later_references(self):
        by_wp = dict(
            Post.objects.filter(
                wp_id__in=set(self.parents.values())
                | set(self.parents)
                | set(self.thumbnails)
                | set(self.attachment_parents.values())
            ).values_list("wp_id", "pk")
        )
        for child, parent in self.parents.items():
            if parent in by_wp:
                Post.objects.filter(wp_id=child).update(parent_id=by_wp[parent])
        media = dict(
            Media.objects.filter(wp_id__in=set(self.thumbnails.values())).values_list("wp_id", "pk")
        )
        for post, attachment in self.thumbnails.items():
            if attachment in media:
                Post.objects.filter(wp_id=post).update(featured_image_id=media[attachment])
        for attachment, post in self.attachment_parents.items():
            if post in by_wp:
                Media.objects.filter(wp_id=attachment).update(parent_id=by_wp[post])
        for slug, parent_slug in self.category_parents.items():
            parent = (
                Category.objects.filter(slug=parent_slug).first()
                or Category.objects.filter(name=parent_slug).first()
            )
            if parent and parent.slug != slug:
                Category.objects.filter(slug=slug).update(parent=parent)


def legacy_path(link):
    """The path of an entry's old address, decoded and tidied; "" for query-string links
    (/?p=ID keeps working through the WordPress ID)."""
    try:
        parts = urlsplit(link or "")
    except ValueError:  # an address no URL parser reads
        return ""
    path = re.sub("/{2,}", "/", unquote(parts.path))
    if not path.strip("/") or parts.query:
        return ""
    return path[:500]


def valid_ip(text):
    """An IP address as stored, or None: old exports hold blanks and junk like "unknown"."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _scheme(url):
    """The URL's scheme, lower case; None for text no URL parser reads (http://[::1/)."""
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return None
