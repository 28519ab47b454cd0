"""Per-request settings taken from the site's options, and addresses refused before anything
reads them."""

from django.http import HttpResponseBadRequest, QueryDict
from django.utils import timezone, translation

from . import request_memo
from .languages import site_language
from .models import SiteOptions


class RefuseNulMiddleware:
    """PostgreSQL refuses a NUL character in every query, and no text holds one: a path with
    one is a bad request (no page has one); query parameters are read without them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return HttpResponseBadRequest("No address holds a NUL character.\n", "text/plain")
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            cleaned = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                cleaned.setlist(name.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class SiteOptionsMiddleware:
    """The site's options are read once a request; dates are shown and permalinks built in
    the time zone chosen under Settings, and pages speak the Site Language (background tasks
    use `timezone.override(SiteOptions.get().tzinfo)` and
    `translation.override(site_language())`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with (
            request_memo.remembered(),
            timezone.override(SiteOptions.get().tzinfo),
            translation.override(site_language()),
        ):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
