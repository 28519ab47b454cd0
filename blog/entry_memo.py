"""Published posts kept in each worker's memory under the content version
(blog/version_memo.py): a permalink read again costs no query until something a reader could
see changes. Only published posts are kept, and everyone may read those, so one memo serves
every reader; what a password or a session changes is decided per request, later."""

import copy

from .models import Post
from .version_memo import VersionMemo

_posts = VersionMemo(size=128, weigh=lambda post: len(post.body), max_weight=8 * 1024 * 1024)


def post_at_permalink(user, year, month, day, slug):
    """The post at /year/month/day/slug/ that `user` may read, or None; each caller gets its
    own copy, with author, featured image, categories and tags loaded."""
    address = (str(year), str(month), str(day), slug)
    version, post = _posts.get(address)
    if post is not None:
        return copy.copy(post)
    post = (
        Post.objects.readable_by(user)
        .select_related("author", "featured_image")
        .prefetch_related("categories", "tags")
        .at_permalink(year, month, day, slug)
    )
    if post is not None and post.is_published:
        _posts.put(version, address, copy.copy(post))
    return post
