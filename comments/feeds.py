"""Comment feeds: the site's at /comments/feed/, each post's at <permalink>feed/."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext as _

from blog import origin
from blog.feeds import SiteFeed, atom
from blog.models import Post, SiteOptions

from .markup import render_comment_text
from .models import Comment

FEED_ITEMS = 10


class SiteCommentsFeed(SiteFeed):
    def title(self):
        return _("Comments for %(title)s") % {"title": SiteOptions.get().title}

    def link(self):
        return origin.absolute("/")

    def description(self):
        return SiteOptions.get().tagline

    def items(self):
        return (
            Comment.objects.approved()
            .filter(
                content_type=ContentType.objects.get_for_model(Post),
                object_pk__in=Post.objects.syndicated().as_comment_keys(),
            )
            .prefetch_related("content_object")
            .order_by("-submit_date")[:FEED_ITEMS]
        )

    def item_title(self, comment):
        return _("Comment on %(title)s by %(name)s") % {
            "title": comment.content_object.display_title,
            "name": comment.name,
        }

    def item_link(self, comment):
        return origin.absolute(f"{comment.content_object.get_absolute_url()}#{comment.anchor}")

    def item_description(self, comment):
        return render_comment_text(comment.comment)

    def item_author_name(self, comment):
        return comment.name

    def item_pubdate(self, comment):
        return comment.submit_date


class PostCommentsFeed(SiteCommentsFeed):
    def get_object(self, request, year, month, day, slug):
        post = Post.objects.syndicated().at_permalink(year, month, day, slug)
        if post is None:
            raise Http404
        return post

    def title(self, post):
        return _("Comments on: %(title)s") % {"title": post.display_title}

    def link(self, post):
        return origin.absolute(post.get_absolute_url())

    def items(self, post):
        comments = list(
            Comment.objects.for_model(post)
            .approved()
            .select_related("user")
            .order_by("-submit_date")[:FEED_ITEMS]
        )
        for comment in comments:
            comment.content_object = post
        return comments

    def item_title(self, comment):
        return _("By: %(name)s") % {"name": comment.name}


SiteCommentsAtomFeed = atom(SiteCommentsFeed)
PostCommentsAtomFeed = atom(PostCommentsFeed)
