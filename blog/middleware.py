"""Per-request settings taken from the site's options, and addresses refused before anything
reads them."""

from django.http import HttpResponseBadRequest
from django.utils import timezone

from .models import SiteOptions


class RefuseNulMiddleware:
    """An address holding a NUL character is a bad request: no page has one, and PostgreSQL
    refuses every query that would carry it (slugs, paths, search terms, admin filters)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            return HttpResponseBadRequest("No address holds a NUL character.\n", "text/plain")
        return self.get_response(request)


class SiteOptionsMiddleware:
    """The site's options are read once a request, and dates are shown and permalinks built in
    the time zone chosen under Settings (background tasks use
    `timezone.override(SiteOptions.get().tzinfo)`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with SiteOptions.remembered_for_the_request(), timezone.override(SiteOptions.get().tzinfo):
            return self.get_response(request)
