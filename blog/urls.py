from django.urls import path
from django.views.generic import RedirectView

from . import (
    archives,
    converters,  # noqa: F401  (registers yyyy, mm, dd and wpslug)
    feeds,
    sitemaps,
    views,
)

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed-atom"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap-section"),
    path("wp-sitemap.xml", RedirectView.as_view(pattern_name="blog:sitemap", permanent=True)),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/<path:words>/page/<int:page>/", views.search, name="search-page"),
    path("search/<path:words>/", views.search, name="search"),
    path("postpass/", views.post_password, name="post-password"),
    path("page/<int:page>/", views.home_page, name="home-page"),
    path("<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/", views.post_detail, name="post"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/<int:page>/",
        views.post_detail,
        name="post-page",
    ),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/comment-page-<int:comment_page>/",
        views.post_detail,
        name="post-comment-page",
    ),
    path("category/<wpslug:slug>/", archives.CategoryArchive.as_view(), name="category"),
    path(
        "category/<wpslug:slug>/page/<int:page>/",
        archives.CategoryArchive.as_view(),
        name="category-page",
    ),
    path("category/<wpslug:slug>/feed/", feeds.CategoryFeed(), name="category-feed"),
    path("category/<wpslug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category-feed-atom"),
    path("tag/<wpslug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tag/<wpslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("author/<str:username>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("author/<str:username>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    path("tag/<wpslug:slug>/", archives.TagArchive.as_view(), name="tag"),
    path("tag/<wpslug:slug>/page/<int:page>/", archives.TagArchive.as_view(), name="tag-page"),
    path("author/<str:username>/", archives.AuthorArchive.as_view(), name="author"),
    path(
        "author/<str:username>/page/<int:page>/",
        archives.AuthorArchive.as_view(),
        name="author-page",
    ),
    path("<yyyy:year>/", archives.DateArchive.as_view(), name="year"),
    path("<yyyy:year>/page/<int:page>/", archives.DateArchive.as_view(), name="year-page"),
    path("<yyyy:year>/<mm:month>/", archives.DateArchive.as_view(), name="month"),
    path(
        "<yyyy:year>/<mm:month>/page/<int:page>/", archives.DateArchive.as_view(), name="month-page"
    ),
    path("<yyyy:year>/<mm:month>/<dd:day>/", archives.DateArchive.as_view(), name="day"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/page/<int:page>/",
        archives.DateArchive.as_view(),
        name="day-page",
    ),
]
