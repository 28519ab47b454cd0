"""Lists of posts: the home page, search results and the archives, paged at /page/N/ and
rendered through the theme's template hierarchy."""

import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import ListView

from . import search, themes
from .models import Category, Post, SiteOptions, Tag


class PostListView(ListView):
    """Lists of posts, a Reading-setting number a page at /page/N/, in the theme's hierarchy."""

    context_object_name = "posts"
    heading = ""
    feed_url = None

    def get_paginate_by(self, queryset):
        return SiteOptions.get().posts_per_page

    def paginate_queryset(self, queryset, page_size):
        if self.kwargs.get("page", 1) < 1:
            raise Http404
        return super().paginate_queryset(queryset, page_size)

    def entries(self):
        """What this list may show: the reader's visible posts (private ones for editors)."""
        return Post.objects.visible_to(self.request.user).posts()

    def get_queryset(self):
        return self.entries().select_related("author").prefetch_related("categories", "tags")

    def get_template_names(self):
        return themes.template_names(self.template_hierarchy() + ["archive.html", "index.html"])

    def template_hierarchy(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = self.heading
        context["noindex"] = context["page_obj"].number > 1
        context["archive_feed_url"] = self.feed_url
        return context


class PostIndex(PostListView):
    """The home page: sticky posts first on page 1, on top of a page of the newest."""

    def get_queryset(self):
        return super().get_queryset().filter(is_sticky=False)

    def get_template_names(self):
        return themes.template_names(["home.html", "index.html"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            sticky = list(super().get_queryset().filter(is_sticky=True))
            context["posts"] = sticky + list(context["posts"])
        return context


class SearchResults(PostListView):
    """WordPress's search covers pages as well as posts."""

    def entries(self):
        return Post.objects.visible_to(self.request.user)

    def get_queryset(self):
        self.query = self.request.GET.get("s", "").strip()[:200]
        return search.search(super().get_queryset(), self.query)

    def template_hierarchy(self):
        return ["search.html"]

    def get_context_data(self, **kwargs):
        self.heading = _("Search Results for: %(query)s") % {"query": self.query}
        context = super().get_context_data(
            search_query=self.query, search_words=search.words_of(self.query), **kwargs
        )
        context["noindex"] = True
        return context


class CategoryArchive(PostListView):
    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        self.heading = _("Category: %(name)s") % {"name": self.category.name}
        self.feed_url = reverse("blog:category-feed", args=[self.category.slug])
        return (
            super()
            .get_queryset()
            .filter(categories__in=self.category.with_descendants())
            .distinct()
        )

    def template_hierarchy(self):
        category = self.category
        return [f"category-{category.slug}.html", f"category-{category.pk}.html", "category.html"]


class TagArchive(PostListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        self.heading = _("Tag: %(name)s") % {"name": self.tag.name}
        self.feed_url = reverse("blog:tag-feed", args=[self.tag.slug])
        return super().get_queryset().filter(tags=self.tag)

    def template_hierarchy(self):
        return [f"tag-{self.tag.slug}.html", f"tag-{self.tag.pk}.html", "tag.html"]


class AuthorArchive(PostListView):
    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), username=self.kwargs["username"])
        name = self.author.get_full_name() or self.author.get_username()
        self.heading = _("Author: %(name)s") % {"name": name}
        self.feed_url = reverse("blog:author-feed", args=[self.author.get_username()])
        return super().get_queryset().filter(author=self.author)

    def template_hierarchy(self):
        author = self.author
        return [f"author-{author.get_username()}.html", f"author-{author.pk}.html", "author.html"]


class DateArchive(PostListView):
    def get_queryset(self):
        year, month, day = (self.kwargs.get(k) for k in ("year", "month", "day"))
        try:
            date = datetime.date(year, 1 if month is None else month, 1 if day is None else day)
        except ValueError as error:
            raise Http404 from error
        queryset = super().get_queryset().filter(published_at__year=year)
        if day:
            day_format = pgettext("daily archive date format", "F j, Y")
            self.heading = _("Daily Archives: %(date)s") % {"date": format_date(date, day_format)}
            return queryset.filter(published_at__date=date)
        if month:
            self.heading = _("Monthly Archives: %(month)s") % {"month": format_date(date, "F Y")}
            return queryset.filter(published_at__month=month)
        self.heading = _("Yearly Archives: %(year)s") % {"year": year}
        return queryset

    def template_hierarchy(self):
        return ["date.html"]
