from django.urls import path

from . import (
    converters,  # noqa: F401  (registers yyyy, mm, dd and wpslug)
    views,
)

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("page/<int:page>/", views.PostIndex.as_view(), name="home-page"),
    path("<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/", views.post_detail, name="post"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<wpslug:slug>/comment-page-<int:comment_page>/",
        views.post_detail,
        name="post-comment-page",
    ),
    path("category/<wpslug:slug>/", views.CategoryArchive.as_view(), name="category"),
    path(
        "category/<wpslug:slug>/page/<int:page>/",
        views.CategoryArchive.as_view(),
        name="category-page",
    ),
    path("tag/<wpslug:slug>/", views.TagArchive.as_view(), name="tag"),
    path("tag/<wpslug:slug>/page/<int:page>/", views.TagArchive.as_view(), name="tag-page"),
    path("author/<str:username>/", views.AuthorArchive.as_view(), name="author"),
    path(
        "author/<str:username>/page/<int:page>/", views.AuthorArchive.as_view(), name="author-page"
    ),
    path("<yyyy:year>/", views.DateArchive.as_view(), name="year"),
    path("<yyyy:year>/page/<int:page>/", views.DateArchive.as_view(), name="year-page"),
    path("<yyyy:year>/<mm:month>/", views.DateArchive.as_view(), name="month"),
    path("<yyyy:year>/<mm:month>/page/<int:page>/", views.DateArchive.as_view(), name="month-page"),
    path("<yyyy:year>/<mm:month>/<dd:day>/", views.DateArchive.as_view(), name="day"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/page/<int:page>/",
        views.DateArchive.as_view(),
        name="day-page",
    ),
]
