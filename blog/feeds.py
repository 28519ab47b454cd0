"""Post feeds: RSS 2.0 at /feed/ and Atom at /feed/atom/, and the same for each category,
tag and author at <archive>/feed/. Items and full text or excerpt follow the Reading settings;
what a feed may list is `Post.objects.syndicated()` (no password-protected posts, as WordPress)."""

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page

from . import origin
from .content import absolute_urls, render_post_body, responsive_images
from .models import Category, Post, SiteOptions, Tag
from .text import xml_text


class SiteFeed(Feed):
    """A feed whose links use the host the request came to, answering conditional GETs
    (ETag / Last-Modified → 304)."""

    def __call__(self, request, *args, **kwargs):
        return conditional_page(super().__call__)(request, *args, **kwargs)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["feed_url"] = origin.absolute(request.path)
        for values in (feed.feed, *feed.items):  # stored text may predate input checks
            for key, value in values.items():
                if isinstance(value, str):
                    values[key] = xml_text(value)
                elif isinstance(value, list | tuple):
                    values[key] = [xml_text(v) if isinstance(v, str) else v for v in value]
        return feed

    def item_link(self, item):
        return origin.absolute(item.get_absolute_url())


class LatestPostsFeed(SiteFeed):
    def title(self):
        return SiteOptions.get().title

    def description(self):
        return SiteOptions.get().tagline

    def link(self):
        return origin.absolute(reverse("blog:home"))

    def posts(self, obj):
        return Post.objects.syndicated().posts()

    def items(self, obj=None):
        limit = SiteOptions.get().posts_per_rss
        return self.posts(obj).select_related("author")[:limit]

    def item_title(self, post):
        return post.display_title

    def item_description(self, post):
        content = post.visible_content()
        if SiteOptions.get().rss_use_excerpt:
            html = escape(content.excerpt) if content.excerpt else content.teaser()[0]
        else:
            html = responsive_images(render_post_body(content.body))
        return absolute_urls(html, origin.current())

    def item_author_name(self, post):
        return post.author.get_full_name() or post.author.get_username()

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_categories(self, post):
        return [category.name for category in post.categories.all()]


class ArchiveFeed(LatestPostsFeed):
    """A feed of one archive: the object comes from the URL, `posts()` picks its posts."""

    def title(self, obj):
        return _("%(site)s » %(label)s Feed") % {
            "site": SiteOptions.get().title,
            "label": self.label(obj),
        }

    def link(self, obj):
        return origin.absolute(self.archive_url(obj))


class CategoryFeed(ArchiveFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def label(self, category):
        return _("%(name)s Category") % {"name": category.name}

    def archive_url(self, category):
        return category.get_absolute_url()

    def posts(self, category):
        return (
            Post.objects.syndicated()
            .posts()
            .filter(categories__in=category.with_descendants())
            .distinct()
        )


class TagFeed(ArchiveFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def label(self, tag):
        return _("%(name)s Tag") % {"name": tag.name}

    def archive_url(self, tag):
        return tag.get_absolute_url()

    def posts(self, tag):
        return Post.objects.syndicated().posts().filter(tags=tag)


class AuthorFeed(ArchiveFeed):
    def get_object(self, request, username):
        return get_object_or_404(get_user_model(), username=username)

    def label(self, author):
        return _("Posts by %(name)s") % {"name": author.get_full_name() or author.get_username()}

    def archive_url(self, author):
        return reverse("blog:author", args=[author.get_username()])

    def posts(self, author):
        return Post.objects.syndicated().posts().filter(author=author)


def atom(feed_class):
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )


LatestPostsAtomFeed = atom(LatestPostsFeed)
CategoryAtomFeed = atom(CategoryFeed)
TagAtomFeed = atom(TagFeed)
AuthorAtomFeed = atom(AuthorFeed)
