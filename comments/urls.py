from django.urls import path

from blog import converters  # noqa: F401  (registers yyyy, mm, dd and wpslug)

from . import feeds, views
from .pings import trackback, webmention, xmlrpc

urlpatterns = [
    path("comments/post/", views.post_comment, name="comment-post"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="comment-unsubscribe"),
    path("comments/feed/", feeds.SiteCommentsFeed(), name="comments-feed"),
    path("comments/feed/atom/", feeds.SiteCommentsAtomFeed(), name="comments-feed-atom"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/feed/",
        feeds.PostCommentsFeed(),
        name="post-comments-feed",
    ),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/feed/atom/",
        feeds.PostCommentsAtomFeed(),
        name="post-comments-feed-atom",
    ),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/trackback/",
        trackback.receive,
        name="trackback",
    ),
    path("xmlrpc.php", xmlrpc.endpoint, name="xmlrpc"),
    path("webmention/", webmention.receive, name="webmention"),
]
