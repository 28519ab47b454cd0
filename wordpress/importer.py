"""Importing a WordPress export: authors, terms, posts, pages, attachments and comments, with
WordPress's IDs kept on our records so every old link still leads somewhere and a second run
updates in place. Written in short batches, each its own transaction, so readers and
commenters are never locked out for long; every row a run creates is listed in its ledger, and
a run that fails deletes them all: a failed import leaves nothing behind.

Imported content is cleaned as if typed here: post bodies and excerpts pass the filter of a
writer without "unfiltered HTML" (unless the importing administrator trusts the file), comment
authors' websites must be http(s) addresses as the comment form demands, and so must
attachment addresses."""

import datetime
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blog import freshness, search
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
from comments.pings import fetch
from comments.signals import no_outgoing_pings

from . import wxr
from .ledger import Ledger
from .progress import Progress, count_items
from .threads import CommentWriter, valid_ip  # noqa: F401  (valid_ip: part of this API)

logger = logging.getLogger(__name__)

STATUSES = {"publish", "future", "draft", "pending", "private", "trash"}
# A batch ends after this many items or comments, whichever comes first: each batch is one
# short transaction, so SQLite's write lock is never held for long.
BATCH_ITEMS = 100
BATCH_COMMENTS = 1000
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
        self.progress = progress  # called with a Progress after every batch
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
        self.terms = {}  # (model, slug) -> term
        self.fallback_author = None
        self.tz = SiteOptions.get().tzinfo
        self.ledger = Ledger()
        self.comments = CommentWriter(self.summary, self.ledger, self.tz, self.seen_comments)
        self.batch_items, self.batch_comments = BATCH_ITEMS, BATCH_COMMENTS
        self.state = Progress()

    def run(self, source):
        """Import `source` (a path or a binary file); the Summary. Raises WXRError (or the
        database's error) after removing whatever the run had written."""
        if self.progress:
            self.state.total = count_items(source)
        if self.dry_run:  # one transaction, rolled back: nothing is ever visible
            with transaction.atomic():
                self._import(source)
                transaction.set_rollback(True)
            return self.summary
        try:
            self._import(source)
        except BaseException:
            try:  # outside _import's quiet block: deletions reach the search index
                self.ledger.undo()
            except Exception:  # the import's own error is the one to report
                logger.exception("Could not undo import %s", self.ledger.run)
            raise
        self.ledger.forget()
        return self.summary

    # --- reading ---------------------------------------------------------------------------

    def _import(self, source):
        # Restored entries are not news: an import sends no pingbacks. Its posts are indexed
        # for search in their batch's transaction, not one by one after it.
        with no_outgoing_pings(), search.indexed_by_caller():
            self._import_batches(source)

    def _import_batches(self, source):
        started = time.monotonic()
        events = wxr.read(source)
        finished, reported = False, 0
        while not finished:
            with transaction.atomic():
                finished = self._batch(events)
                self.comments.flush()
                self.ledger.flush()
            self.state.elapsed = time.monotonic() - started
            self.state.total = max(self.state.total, self.state.done)
            if self.progress and self.state.done > reported:
                reported = self.state.done
                self.progress(self.state)
        self._link_later_references()
        freshness.content_changed(schedule=True)  # those links are written without signals
        if self.old_permalinks:
            options = SiteOptions.get()
            options.old_permalink_structure = self.old_permalinks
            options.save()

    def _batch(self, events):
        """Read events until the batch is full, then write its items; True once the file has
        been read. Authors and terms come first in a file and are written as they come."""
        items, comments, finished = [], 0, True
        for kind, value in events:
            if kind == "site":
                self.summary.site = value
            elif kind == "author":
                self._author(value)
            elif kind == "term":
                self._term(value)
            elif kind == "item":
                items.append(value)
                comments += len(value.comments)
                if len(items) >= self.batch_items or comments >= self.batch_comments:
                    finished = False
                    break
        self._items(items)
        return finished

    def _items(self, items):
        ids = [item.wp_id for item in items if item.wp_id]
        self.existing_posts = {post.wp_id: post for post in Post.objects.filter(wp_id__in=ids)}
        self.existing_media = {entry.wp_id: entry for entry in Media.objects.filter(wp_id__in=ids)}
        self.new_terms = []  # (through model, row) for entries created in this batch
        for item in items:
            self._item(item)
            self.state.done += 1
        for through in {through for through, _ in self.new_terms}:
            rows = [row for model, row in self.new_terms if model is through]
            through.objects.bulk_create(rows, batch_size=500)

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
            self.ledger.add(User, user.pk)
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
        if self.fallback_author is None:
            self.fallback_author = self._find_default_author()
        return self.fallback_author

    def _find_default_author(self):
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
        self.terms[model, slug] = obj
        if created:
            self.ledger.add(model, obj.pk)
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
            obj = self.terms.get((model, slug))
            if obj is None:
                obj, created = model.objects.get_or_create(
                    slug=slug, defaults={"name": (name or slug)[:200]}
                )
                self.terms[model, slug] = obj
                if created:
                    self.ledger.add(model, obj.pk)
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

        post = self.existing_posts.get(item.wp_id)
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
        search.index_saved(post)
        if created:
            self.ledger.add(Post, post.pk)
        if old_slug := unquote(item.meta.get("_wp_old_slug", "").strip())[:200]:
            old, new_row = OldSlug.objects.get_or_create(entry=post, slug=old_slug, path="")
            if new_row and not created:  # an imported post's rows go with it
                self.ledger.add(OldSlug, old.pk)
        if item.parent:
            self.parents[item.wp_id] = item.parent
        if (thumbnail := parse_id(item.meta.get("_thumbnail_id", "").strip())) is not None:
            self.thumbnails[item.wp_id] = thumbnail
        categories, tags = self._item_terms(item)
        if created:  # nothing to compare with: the links are written with the batch's
            for manager, terms in ((post.categories, categories), (post.tags, tags)):
                through, source = manager.through, manager.source_field_name
                self.new_terms += [
                    (through, through(**{source: post, manager.target_field_name: term}))
                    for term in dict.fromkeys(terms)
                ]
        else:
            post.categories.set(categories)
            post.tags.set(tags)
        if (views := parse_id(item.meta.get("views", "").strip())) is not None:
            PostViews.objects.update_or_create(post=post, defaults={"count": views})
        self.summary.count(kind, "created" if created else "updated")
        self.comments.add(post, item.comments, label)
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
        entry = self.existing_media.get(item.wp_id)
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
        if created:
            self.ledger.add(Media, entry.pk)
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

    # --- references that may point forward in the file -------------------------------------

    def _link_later_references(self):
        """Page parents, featured images, attachments' posts and category parents, which may
        point forward in the file: set once everything is in, a batch of updates at a time."""
        by_wp = _by_wp_id(Post, set(self.parents.values()) | set(self.attachment_parents.values()))
        media = _by_wp_id(Media, set(self.thumbnails.values()))
        updates = [
            (Post, {"wp_id": child}, {"parent_id": by_wp[parent]})
            for child, parent in self.parents.items()
            if parent in by_wp
        ]
        updates += [
            (Post, {"wp_id": post}, {"featured_image_id": media[attachment]})
            for post, attachment in self.thumbnails.items()
            if attachment in media
        ]
        updates += [
            (Media, {"wp_id": attachment}, {"parent_id": by_wp[post]})
            for attachment, post in self.attachment_parents.items()
            if post in by_wp
        ]
        for start in range(0, len(updates), 500):
            with transaction.atomic():
                for model, where, values in updates[start : start + 500]:
                    model.objects.filter(**where).update(**values)
        with transaction.atomic():
            for slug, parent_slug in self.category_parents.items():
                parent = (
                    Category.objects.filter(slug=parent_slug).first()
                    or Category.objects.filter(name=parent_slug).first()
                )
                if parent and parent.slug != slug:
                    Category.objects.filter(slug=slug).update(parent=parent)


def _by_wp_id(model, wp_ids):
    """{WordPress ID: pk} for `wp_ids`, asked in chunks the database accepts."""
    wp_ids, found = list(wp_ids), {}
    for start in range(0, len(wp_ids), 500):
        chunk = wp_ids[start : start + 500]
        found.update(model.objects.filter(wp_id__in=chunk).values_list("wp_id", "pk"))
    return found


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


def _scheme(url):
    """The URL's scheme, lower case; None for text no URL parser reads (http://[::1/)."""
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return None
