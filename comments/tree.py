"""A post's approved discussion as a tree, from one query, flattened at the display depth."""

from dataclasses import dataclass, field

from .models import Comment


@dataclass
class Node:
    comment: Comment
    depth: int
    children: list = field(default_factory=list)
    can_reply: bool = False


@dataclass
class Thread:
    roots: list
    count: int


def approved_comments(post):
    return (
        Comment.objects.for_model(post)
        .filter(is_public=True, is_removed=False)
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
        count += 1
        parent = nodes.get(comment.parent_id) if comment.parent_id != comment.pk else None
        if parent is None:
            node, container = Node(comment, 1), roots
        elif parent.depth >= max_depth:
            node, container = Node(comment, parent.depth), containers[parent.comment.pk]
        else:
            node, container = Node(comment, parent.depth + 1), parent.children
        node.can_reply = node.depth < max_depth
        container.append(node)
        nodes[comment.pk], containers[comment.pk] = node, container
    return Thread(roots=roots, count=count)
