"""Imported comments written in bulk. django-comments-xtd's thread fields (thread_id, parent_id,
level, order, nested_count) are computed here for whole trees, then the comment model's three
tables (django_comments → django_comments_xtd → Inkwell's) are filled one insert per chunk each:
bulk_create cannot write a multi-table model, so the parent rows come first and give the ids."""

import datetime
import ipaddress
from dataclasses import dataclass, field

import django_comments
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog import widgets
from blog.models import Post
from comments.forms import web_address
from comments.models import Comment, Kind, State

BaseComment = django_comments.models.Comment

COMMENT_STATES = {
    "1": State.APPROVED,
    "0": State.PENDING,
    "spam": State.SPAM,
    "trash": State.TRASH,
    "post-trashed": State.TRASH,
}
COMMENT_KINDS = {
    "": Kind.COMMENT,
    "comment": Kind.COMMENT,
    "pingback": Kind.PINGBACK,
    "trackback": Kind.TRACKBACK,
}


@dataclass
class Entry:
    """One comment placed in its thread; `parent` and `root` are indexes into the plan."""

    data: object
    post: object
    root: int
    parent: int | None
    level: int
    order: int
    nested: int = 0
    comment: Comment | None = field(default=None, repr=False)


def _by_date(comment):
    return comment.date_gmt or comment.date or datetime.datetime.min, comment.wp_id


class CommentWriter:
    """Collects the comments of a batch's items (`add`), then writes them (`flush`)."""

    def __init__(self, summary, ledger, tz, seen):
        self.summary, self.ledger, self.tz, self.seen = summary, ledger, tz, seen
        self.plan = []
        self.content_type = ContentType.objects.get_for_model(Post)

    def __len__(self):
        return len(self.plan)

    def add(self, post, comments, label):
        """Place `comments` (one item's) in thread order: parents before replies, replies by
        date, every level kept; a reply to a missing parent (or a loop) becomes top-level."""
        by_id = {}
        for comment in comments:
            if not comment.wp_id or comment.wp_id in self.seen:
                self.summary.skip(
                    "comments",
                    f"comment {comment.wp_id} on {label}",
                    "missing or duplicate wp:comment_id",
                )
                continue
            self.seen.add(comment.wp_id)
            by_id[comment.wp_id] = comment
        children, roots = {}, []
        for comment in by_id.values():
            if comment.parent and comment.parent in by_id and comment.parent != comment.wp_id:
                children.setdefault(comment.parent, []).append(comment)
            else:
                if comment.parent and comment.parent not in by_id:
                    self.summary.skipped.append(
                        f"comment {comment.wp_id} on {label}: parent {comment.parent} is "
                        f"missing; shown at the top level"
                    )
                roots.append(comment)
        placed = set()
        self._place(post, sorted(roots, key=_by_date), children, placed)
        if len(placed) < len(by_id):  # replies in a loop reach no top-level comment
            loose = [c for c in by_id.values() if c.wp_id not in placed]
            for comment in loose:
                self.summary.skipped.append(
                    f"comment {comment.wp_id} on {label}: its replies form a loop; "
                    "shown at the top level"
                )
            self._place(post, sorted(loose, key=_by_date), children, placed)

    def _place(self, post, roots, children, placed):
        for root in roots:
            if root.wp_id in placed:
                continue
            root_index = len(self.plan)
            order = 0
            stack = [(root, None, 0)]
            while stack:
                comment, parent, level = stack.pop()
                if comment.wp_id in placed:
                    continue
                placed.add(comment.wp_id)
                order += 1
                index = len(self.plan)
                self.plan.append(Entry(comment, post, root_index, parent, level, order))
                replies = sorted(children.get(comment.wp_id, []), key=_by_date, reverse=True)
                stack.extend((reply, index, level + 1) for reply in replies)

    def flush(self):
        """Write the collected comments: new ones in bulk, existing ones (a re-import) updated
        in place. Call inside the batch's transaction."""
        if not self.plan:
            return
        plan, self.plan = self.plan, []
        for entry in reversed(plan):
            if entry.parent is not None:
                plan[entry.parent].nested += 1 + entry.nested
        existing = {}
        wp_ids = [entry.data.wp_id for entry in plan]
        for start in range(0, len(wp_ids), 500):
            for comment in Comment.objects.filter(wp_id__in=wp_ids[start : start + 500]):
                existing[comment.wp_id] = comment
        new = []
        for entry in plan:
            # New comments are plain rows, not model instances: building a three-table model
            # instance costs more than writing it.
            entry.comment = existing.get(entry.data.wp_id) or Row()
            self._fill(entry)
            if entry.data.wp_id not in existing:
                new.append(entry)
        self._insert_base(new)
        for entry in plan:
            comment = entry.comment
            comment.thread_id = plan[entry.root].comment.pk
            comment.parent_id = (
                plan[entry.parent].comment.pk if entry.parent is not None else comment.pk
            )
        self._insert_rest(new)
        for entry in plan:
            if entry.data.wp_id in existing:
                # Thread fields are computed here, so django-comments-xtd's own threading
                # (several queries a comment) is skipped: save as a plain comment.
                BaseComment.save(entry.comment)
                self.summary.count("comments", "updated")
        for entry in new:
            self.ledger.add(Comment, entry.comment.pk)
            self.summary.count("comments", "created")
        widgets.invalidate()

    def _fill(self, entry):
        data, comment = entry.data, entry.comment
        comment.wp_id = data.wp_id
        comment.content_type_id = self.content_type.pk
        comment.object_pk = str(entry.post.pk)
        comment.site_id = settings.SITE_ID
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
        comment.kind = COMMENT_KINDS.get(data.kind, Kind.COMMENT)
        comment.state = COMMENT_STATES.get(data.approved, State.PENDING)
        comment.is_public = comment.state == State.APPROVED
        comment.is_removed = comment.state in (State.SPAM, State.TRASH)
        comment.level, comment.order, comment.nested_count = entry.level, entry.order, entry.nested

    def _insert_base(self, new):
        """django_comments rows, which give every new comment its id (RETURNING, as Django's
        bulk_create reads it on SQLite and PostgreSQL)."""
        ops, quote = connection.ops, connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in BASE_FIELDS)
        row = f"({', '.join(['%s'] * len(BASE_FIELDS))})"
        table = quote(BaseComment._meta.db_table)
        for start in range(0, len(new), BASE_CHUNK):
            chunk = new[start : start + BASE_CHUNK]
            values = []
            for entry in chunk:
                comment = entry.comment
                comment.submit_date_db = ops.adapt_datetimefield_value(comment.submit_date)
                comment.ip_address_db = ops.adapt_ipaddressfield_value(comment.ip_address)
                values += [getattr(comment, attribute) for attribute in BASE_ATTRIBUTES]
            sql = (
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} "
                f"RETURNING {quote('id')}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
                ids = [found for (found,) in cursor.fetchall()]
            for entry, pk in zip(chunk, ids, strict=True):
                entry.comment.pk = pk

    def _insert_rest(self, new):
        """The rows of the two child tables: plain values, one executemany each."""
        if not new:
            return
        quote = connection.ops.quote_name
        for model, columns in CHILD_COLUMNS:
            names = ", ".join(quote(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"
            values = [[getattr(e.comment, a, d) for a, d in columns.values()] for e in new]
            with connection.cursor() as cursor:
                cursor.executemany(sql, values)


class Row:
    """A new comment's values on their way to the three tables."""

    user_id = None
    pk = None


BASE_FIELDS = [f for f in BaseComment._meta.local_concrete_fields if not f.primary_key]
BASE_ATTRIBUTES = [
    {"submit_date": "submit_date_db", "ip_address": "ip_address_db"}.get(f.attname, f.attname)
    for f in BASE_FIELDS
]
BASE_CHUNK = 50  # rows an insert: within every database's limit on parameters


def _child_columns(model):
    """{column: attribute of a BaseComment row}: the parent link is the base row's id; the
    rest are plain values set by CommentWriter._fill, or the field's default."""
    columns = {}
    for f in model._meta.local_concrete_fields:
        columns[f.column] = ("pk", None) if f.primary_key else (f.attname, f.get_default())
    return columns


CHILD_COLUMNS = [(XtdComment, _child_columns(XtdComment)), (Comment, _child_columns(Comment))]


def valid_ip(text):
    """An IP address as stored, or None: old exports hold blanks and junk like "unknown"."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
