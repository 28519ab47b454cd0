"""Sitemaps with django.contrib.sitemaps: /sitemap.xml indexes posts, categories, tags and
authors (with lastmod); each section lives at /sitemap-<section>.xml. Password-protected
entries are left out, and do not date or list their terms and authors."""

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date

from . import origin
from .models import Category, Post, Tag


def listed():
    """Entries a sitemap names: published, without a password (as WordPress's sitemaps)."""
    return Post.objects.published().filter(password="")


class SiteSitemap(Sitemap):
    limit = 2000

    def get_domain(self, site=None):
        return origin.current().split("://", 1)[1]

    def get_protocol(self, protocol=None):
        return origin.current().split("://", 1)[0]


class PostSitemap(SiteSitemap):
    def items(self):
        return (
            listed().posts().only("post_type", "slug", "published_at", "updated_at").order_by("pk")
        )

    def lastmod(self, post):
        return post.updated_at


class PageSitemap(PostSitemap):
    def items(self):
        return listed().pages().select_related("parent").order_by("pk")


class TermSitemap(SiteSitemap):
    """Categories and tags that have published posts, dated by their newest post."""

    model = None

    def items(self):
        published = Q(posts__in=listed())
        return (
            self.model.objects.annotate(newest=Max("posts__updated_at", filter=published))
            .filter(newest__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, term):
        return term.newest


class CategorySitemap(TermSitemap):
    model = Category


class TagSitemap(TermSitemap):
    model = Tag


class AuthorSitemap(SiteSitemap):
    def items(self):
        published = Q(posts__in=listed())
        return (
            get_user_model()
            .objects.annotate(newest=Max("posts__updated_at", filter=published))
            .filter(newest__isnull=False)
            .order_by("pk")
        )

    def location(self, user):
        return reverse("blog:author", args=[user.get_username()])

    def lastmod(self, user):
        return user.newest


SITEMAPS = {
    "posts": PostSitemap,
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


def index(request):
    entries = []
    latest = None
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        lastmod = sitemap.get_latest_lastmod()
        url = origin.absolute(reverse("blog:sitemap-section", args=[name]))
        for page in range(1, sitemap.paginator.num_pages + 1):
            page_url = url if page == 1 else f"{url}?p={page}"
            entries.append(sitemap_views.SitemapIndexItem(page_url, lastmod))
        if lastmod and (latest is None or lastmod > latest):
            latest = lastmod
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    if latest:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response


def section(request, section):
    if section not in SITEMAPS:
        raise Http404
    return sitemap_views.sitemap(request, {section: SITEMAPS[section]}, section=section)
