"""Reader-facing views of single entries (posts and pages), WordPress's query-string URLs,
the password form, and small site files (health, robots.txt, media)."""

import datetime
import re

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.static import serve

from . import fill, themes
from .archives import PostIndex, SearchResults
from .content import kept_single, render_single, split_pages
from .models import PASSWORD_COOKIE, Media, Post, SiteOptions, password_token
from .stats import counter

POSTS_PAGE_PAGING_RE = re.compile(r"^(.+)/page/(\d+)/$")
PASSWORD_COOKIE_AGE = 10 * 24 * 3600  # WordPress keeps the post password for ten days


def readable(request):
    """Entries this reader may open: published ones, private ones for those allowed, and
    everything (drafts, pending, scheduled, trash) for editors previewing."""
    if request.user.has_perm("blog.change_post"):
        return Post.objects.all()
    return Post.objects.visible_to(request.user)


def home(request):
    """`/` answers WordPress's query-string URLs too: `?p=ID`, `?page_id=ID`,
    `?attachment_id=ID` (WordPress's IDs of imported content first) and `?s=words`."""
    for parameter in ("p", "page_id"):
        if entry_id := request.GET.get(parameter):
            if not entry_id.isdigit():
                raise Http404
            entries = readable(request)
            entry = (
                entries.filter(wp_id=int(entry_id)).first()
                or entries.filter(pk=int(entry_id), wp_id__isnull=True).first()
            )
            if entry is None:
                raise Http404
            return HttpResponsePermanentRedirect(entry.get_absolute_url())
    if attachment_id := request.GET.get("attachment_id"):
        if not attachment_id.isdigit():
            raise Http404
        item = get_object_or_404(Media, wp_id=int(attachment_id))
        return HttpResponsePermanentRedirect(item.url)
    if "s" in request.GET:
        return SearchResults.as_view()(request)
    options = SiteOptions.get()
    if options.show_on_front == "page" and options.page_on_front_id:
        front = readable(request).pages().filter(pk=options.page_on_front_id).first()
        if front is not None:
            return render_entry(request, front, ["front-page.html", "page.html", "index.html"])
    return PostIndex.as_view()(request)


def post_detail(request, year, month, day, slug, comment_page=None, page=1):
    try:
        date = datetime.date(year, month, day)
    except ValueError as error:
        raise Http404 from error
    post = get_object_or_404(
        readable(request)
        .posts()
        .select_related("author", "featured_image")
        .prefetch_related("categories", "tags"),
        published_at__date=date,
        slug=slug,
    )
    if page == 1 and "page" in request.resolver_match.kwargs:
        return HttpResponsePermanentRedirect(post.get_absolute_url())
    return render_entry(request, post, themes.post_templates(post), page, comment_page)


def page_detail(request, path):
    """A page at /slug/ or /parent/child/; the posts page also at /slug/page/N/."""
    listing = POSTS_PAGE_PAGING_RE.match(path)
    page = readable(request).page_at(listing.group(1) if listing else path)
    if page is None:
        raise Http404
    options = SiteOptions.get()
    if options.show_on_front == "page" and page.pk == options.page_for_posts_id:
        number = int(listing.group(2)) if listing else 1
        return PostIndex.as_view()(request, page=number)
    if listing:
        raise Http404
    templates = [
        f"page-{page.slug}.html",
        f"page-{page.pk}.html",
        "page.html",
        "singular.html",
        "index.html",
    ]
    return render_entry(request, page, templates)


def render_entry(request, entry, templates, page=1, comment_page=None, count_view=True, extra=None):
    pages = split_pages(entry.body)
    if not 1 <= page <= len(pages):
        raise Http404
    unlocked = entry.password_unlocked(request)
    counted = count_view and entry.is_published
    if not unlocked:
        body = ""
    elif count_view:
        body = kept_single(entry, page)
    else:  # a preview of unsaved changes
        body = render_single(entry.body, entry.pk, page)
    views = counter.record_view(entry, request) if counted else counter.current_views(entry)
    headers = {}
    if entry.pings_open and entry.is_published:
        headers["X-Pingback"] = request.build_absolute_uri(reverse("xmlrpc"))
    context = {
        "post": entry,
        "unlocked": unlocked,
        "body": body,
        "views": fill.marker("views"),
        "page": page,
        "pages": range(1, len(pages) + 1),
        "comment_page": comment_page,
        "categories": entry.categories.all() if entry.pk else [],
        "tags": entry.tags.all() if entry.pk else [],
        **(extra or {}),
    }
    response = themes.render(request, templates, context, headers=headers)
    response.add_post_render_callback(lambda done: fill_response(request, done, views))
    response.views_of = (entry.pk, counted)  # a page served from the page cache counts too
    if entry.password or entry.status not in ("publish", "future"):
        add_never_cache_headers(response)  # a protected, private or previewed entry
    return response


def fill_response(request, response, views):
    """This response's own values in place of the markers; the page as rendered, markers and
    all, stays on `response.unfilled_content` for the page cache."""
    response.unfilled_content = response.content
    response.content = fill.fill(request, response.content, {"views": views})


@require_POST
def post_password(request):
    """WordPress's postpass: remember the password the reader typed, then go back."""
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    response = redirect(back)
    response.set_signed_cookie(
        PASSWORD_COOKIE,
        password_token(request.POST.get("post_password", "")),
        salt=PASSWORD_COOKIE,
        max_age=PASSWORD_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse(f"ok {timezone.now():%Y-%m-%dT%H:%M:%SZ}\n", content_type="text/plain")


def media(request, path):
    """Uploads, served by Django itself on a single host (INKWELL_SERVE_MEDIA)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("blog:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /wp-admin/",
        "",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")
