"""Reader-facing views of single entries (posts and pages), WordPress's query-string URLs,
the password form, and small site files (health, robots.txt, media)."""

import re

from django.conf import settings
from django.db import connection
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.static import serve

from . import entry_memo, fill, guesses, query_strings, themes, worker
from .archives import PostIndex, SearchResults
from .content import kept_single, render_single, split_pages
from .converters import parse_id
from .models import PASSWORD_COOKIE, Media, Post, SiteOptions, password_token
from .stats import counter

POSTS_PAGE_PAGING_RE = re.compile(r"^(.+)/page/(\d+)/$")
PASSWORD_COOKIE_AGE = 10 * 24 * 3600  # WordPress keeps the post password for ten days


def home(request):
    """`/` answers WordPress's query-string URLs too: `?p=ID`, `?page_id=ID`,
    `?attachment_id=ID` (WordPress's IDs of imported content first), `?s=words`, and the
    archive and feed parameters (`?cat=`, `?feed=`, … see query_strings)."""
    for parameter in ("p", "page_id"):
        if number := request.GET.get(parameter):
            entry = Post.objects.readable_by(request.user).at_shortlink(number)
            if entry is None:
                raise Http404
            return HttpResponsePermanentRedirect(entry.get_absolute_url())
    if attachment_id := request.GET.get("attachment_id"):
        if (number := parse_id(attachment_id)) is None:
            raise Http404
        item = get_object_or_404(Media, wp_id=number)
        return HttpResponsePermanentRedirect(item.url)
    if "s" in request.GET:
        return SearchResults.as_view()(request)
    target = query_strings.permalink_for(request.GET)
    if target == "":
        raise Http404
    if target is not None:
        return HttpResponsePermanentRedirect(target)
    options = SiteOptions.get()
    if options.show_on_front == "page" and options.page_on_front_id:
        front = (
            Post.objects.readable_by(request.user)
            .pages()
            .filter(pk=options.page_on_front_id)
            .first()
        )
        if front is not None:
            return render_entry(request, front, ["front-page.html", "page.html", "index.html"])
    return PostIndex.as_view()(request)


def search(request, words, page=1):
    """`/search/words/`, WordPress's pretty search address: the same results as `?s=words`."""
    request.GET = request.GET.copy()
    request.GET["s"] = words.replace("+", " ")
    return SearchResults.as_view()(request, page=page)


def favicon(request):
    """`/favicon.ico`: the Site Icon chosen in Settings, else Inkwell's own."""
    icon = SiteOptions.get().site_icon
    if icon is not None and icon.is_image:
        return redirect(icon.size_url("thumbnail"))
    return redirect(static("favicon.ico"))


def home_page(request, page):
    """`/page/N/`: a later page of the home listing, or of the search results with `?s=`."""
    if "s" in request.GET:
        return SearchResults.as_view()(request, page=page)
    return PostIndex.as_view()(request, page=page)


def post_detail(request, year, month, day, slug, comment_page=None, page=1):
    post = entry_memo.post_at_permalink(request.user, year, month, day, slug)
    if post is None:
        raise Http404
    if page == 1 and "page" in request.resolver_match.kwargs:
        return HttpResponsePermanentRedirect(post.get_absolute_url())
    return render_entry(request, post, themes.post_templates(post), page, comment_page)


def page_detail(request, path):
    """A page at /slug/ or /parent/child/; the posts page also at /slug/page/N/."""
    listing = POSTS_PAGE_PAGING_RE.match(path)
    page = Post.objects.readable_by(request.user).page_at(listing.group(1) if listing else path)
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
    content = entry.visible_content(request)
    counted = count_view and entry.is_published
    if not content.unlocked:
        body = ""
    elif count_view:
        body = kept_single(entry, page)
    else:  # a preview of unsaved changes
        body = render_single(content.body, entry.pk, page)
    views = counter.record_view(entry, request) if counted else counter.current_views(entry)
    headers = {}
    if entry.pings_open and entry.is_published:
        headers["X-Pingback"] = request.build_absolute_uri(reverse("xmlrpc"))
        headers["Link"] = f'<{request.build_absolute_uri(reverse("webmention"))}>; rel="webmention"'
    context = {
        "post": entry,
        "unlocked": content.unlocked,
        "content": content,
        "body": body,
        "views": fill.marker("views"),
        "page": page,
        "pages": range(1, len(pages) + 1),
        "comment_page": comment_page,
        "categories": entry.categories.all() if entry.pk else [],
        "tags": entry.tags.all() if entry.pk else [],
        **(extra or {}),
    }
    request.kept_splices = []  # the large kept fragments, put in as bytes (fill_response)
    response = themes.render(request, templates, context, headers=headers)
    response.add_post_render_callback(lambda done: fill_response(request, done, views))
    response.views_of = (entry.pk, counted)  # a page served from the page cache counts too
    response.fresh_until = entry.discussion_closes_at()  # the form goes then: not kept past it
    if entry.password or not entry.is_published:
        add_never_cache_headers(response)  # a protected, private or previewed entry
    return response


def fill_response(request, response, views):
    """This response's own values in place of the markers; the page as rendered, markers and
    all (its spliced fragments put in), stays on `response.unfilled_content` for the page
    cache."""
    content = fill.splice(response.content, getattr(request, "kept_splices", ()))
    response.unfilled_content = content
    response.content = fill.fill(request, content, {"views": views})


@require_POST
def post_password(request):
    """WordPress's postpass: remember the password the reader typed, then go back."""
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    if not guesses.check(request, request.POST.get("post_password", ""), back):
        return HttpResponse(
            "Too many wrong passwords. Please try again later.\n",
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponseRedirect(back)  # redirect() would take "0" for a view's name
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
    """For load balancers and monitors: JSON on the database, the cache, the background worker
    and its queue; 503 when the database or cache fails or the worker has been silent over a
    minute (when tasks go through the database queue)."""
    report = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        report["database"] = "unavailable"
    try:
        age = worker.heartbeat_age()
    except Exception:
        report["cache"], age = "unavailable", None
    healthy = report["database"] == report["cache"] == "ok"
    if worker.uses_database_queue():
        report["worker"] = {
            "heartbeat_age_seconds": None if age is None else round(age, 1),
            "silent_after_seconds": worker.SILENT_AFTER,
        }
        healthy = healthy and age is not None and age <= worker.SILENT_AFTER
        if report["database"] == "ok":
            report["queue"] = worker.queue_length()
    else:
        report["worker"] = {"heartbeat_age_seconds": age, "needed": False}
    report["status"] = "ok" if healthy else "unavailable"
    report["time"] = f"{timezone.now():%Y-%m-%dT%H:%M:%SZ}"
    response = JsonResponse(report, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


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
