"""Post feeds: RSS 2.0 at /feed/ and Atom at /feed/atom/."""

from contextvars import ContextVar

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .content import render_post_body
from .models import Post, SiteOptions

FEED_ITEMS = 10

_origin = ContextVar("feed_origin", default="")


class SiteFeed(Feed):
    """A feed whose links use the host the request came to.

    Django's syndication would prefix links with the sites framework's domain, which is one
    fixed row; a blog answers on whatever host it is served as, so links are made absolute here.
    """

    def __call__(self, request, *args, **kwargs):
        token = _origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return super().__call__(request, *args, **kwargs)
        finally:
            _origin.reset(token)

    @staticmethod
    def absolute(path):
        return _origin.get() + path

    def feed_url(self, obj=None):
        return None  # falls back to request.path, made absolute in get_feed below

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["feed_url"] = self.absolute(request.path)
        return feed

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())


class LatestPostsFeed(SiteFeed):
    def title(self):
        return SiteOptions.get().title

    def description(self):
        return SiteOptions.get().tagline

    def link(self):
        return self.absolute(reverse("blog:home"))

    def items(self):
        return Post.objects.published().select_related("author")[:FEED_ITEMS]

    def item_title(self, post):
        return post.display_title

    def item_description(self, post):
        return render_post_body(post.body)

    def item_author_name(self, post):
        return post.author.get_full_name() or post.author.get_username()

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = Atom1Feed
    subtitle = LatestPostsFeed.description
