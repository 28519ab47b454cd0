"""Per-request settings taken from the site's options."""

from django.utils import timezone

from .models import SiteOptions


class SiteOptionsMiddleware:
    """The site's options are read once a request, and dates are shown and permalinks built in
    the time zone chosen under Settings (background tasks use
    `timezone.override(SiteOptions.get().tzinfo)`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with SiteOptions.remembered_for_the_request(), timezone.override(SiteOptions.get().tzinfo):
            return self.get_response(request)
