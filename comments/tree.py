"""A post's discussion as the page shows it: one query, nested and flattened at the display
depth, paged by top-level comments as WordPress's "break comments into pages", and listed in
document order so one template loop draws the whole tree."""

import math
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Q

from .models import APPROVED, Comment, State

HELD_SALT = "inkwell.held-comment"
HELD_MAX_AGE = 3600


@dataclass
class Node:
    comment: Comment
    depth: int
    children: list = field(default_factory=list)
    can_reply: bool = False
    closes: range = range(0)  # after this leaf: how many enclosing replies lists end

    @property
    def awaiting_moderation(self):
        return self.comment.state == State.PENDING


@dataclass
class Thread:
    roots: list
    count: int
    page: int = 1
    pages: int = 1

    @property
    def in_document_order(self):
        """Every shown node, parents before their replies; a leaf's `closes` says how many
        `</ol></li>` follow it."""
        nodes = []

        def walk(siblings, tail):
            for n, node in enumerate(siblings):
                nodes.append(node)
                closing = tail if n == len(siblings) - 1 else 0
                if node.children:
                    walk(node.children, closing + 1)
                else:
                    node.closes = range(closing)

        walk(self.roots, 0)
        return nodes


def held_comment_hash(comment):
    """The signed link part that lets a commenter see their own held comment for an hour."""
    return signing.dumps(comment.pk, salt=HELD_SALT)


def held_comment_id(value):
    try:
        return int(signing.loads(value, salt=HELD_SALT, max_age=HELD_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def shown_comments(post, held_id=None):
    """Approved comments, plus the one held comment whose author holds its signed link."""
    visible = APPROVED
    if held_id:
        visible |= Q(pk=held_id, state=State.PENDING)
    return (
        Comment.objects.for_model(post)
        .filter(visible)
        .select_related("user")
        .order_by("thread_id", "order")
    )


def build_thread(comments, max_depth):
    """Nest comments (ordered by thread and order) as WordPress's walker shows them.

    Replies to a comment at `max_depth` are shown after it, at the same depth; replies whose
    parent is not shown become top-level, as WordPress shows orphans.
    """
    nodes, containers, roots = {}, {}, []
    count = 0
    for comment in comments:
        count += comment.state == State.APPROVED
        parent = nodes.get(comment.parent_id) if comment.parent_id != comment.pk else None
        if parent is None:
            node, container = Node(comment, 1), roots
        elif parent.depth >= max_depth:
            node, container = Node(comment, parent.depth), containers[parent.comment.pk]
        else:
            node, container = Node(comment, parent.depth + 1), parent.children
        node.can_reply = node.depth < max_depth and comment.state == State.APPROVED
        container.append(node)
        nodes[comment.pk], containers[comment.pk] = node, container
    return Thread(roots=roots, count=count)


def page_count(roots_total, options):
    if not options.page_comments or not roots_total:
        return 1
    return math.ceil(roots_total / options.comments_per_page)


def default_page(pages, options):
    return pages if options.default_comments_page == "newest" else 1


def paginate(thread, options, page=None):
    """Keep one page of top-level comments (and their replies); None when out of range."""
    thread.pages = page_count(len(thread.roots), options)
    thread.page = page or default_page(thread.pages, options)
    if not 1 <= thread.page <= thread.pages:
        return None
    if options.page_comments:
        per_page = options.comments_per_page
        start = (thread.page - 1) * per_page
        thread.roots = thread.roots[start : start + per_page]
    if options.comment_order == "desc":
        thread.roots.reverse()
    return thread


def page_of(comment, options):
    """The comment page (1 = oldest) that shows `comment`'s thread."""
    if not options.page_comments:
        return 1
    earlier_roots = (
        Comment.objects.approved()
        .filter(
            content_type=comment.content_type,
            object_pk=comment.object_pk,
            thread_id__lt=comment.thread_id,
        )
        .filter(level=0)
        .count()
    )
    return earlier_roots // options.comments_per_page + 1


def comment_page_url(post, page, options):
    """The post's URL for a comment page; the default page lives at the permalink itself."""
    if not options.page_comments:
        return post.get_absolute_url()
    roots = Comment.objects.for_model(post).approved().filter(level=0).count()
    if page == default_page(page_count(roots, options), options):
        return post.get_absolute_url()
    return f"{post.get_absolute_url()}comment-page-{page}/"


def comment_url(comment, post, options):
    return f"{comment_page_url(post, page_of(comment, options), options)}#{comment.anchor}"
