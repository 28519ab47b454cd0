"""Post feeds: RSS 2.0 at /feed/ and Atom at /feed/atom/."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .content import render_post_body
from .models import Post, SiteOptions

FEED_ITEMS = 10


class LatestPostsFeed(Feed):
    def title(self):
        return SiteOptions.get().title

    def description(self):
        return SiteOptions.get().tagline

    def link(self):
        return reverse("blog:home")

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
