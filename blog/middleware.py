"""Per-request settings taken from the site's options."""

from django.utils import timezone

from .models import SiteOptions


class SiteTimezoneMiddleware:
    """Dates are shown, and permalinks built, in the time zone chosen under Settings
    (background tasks do the same with `timezone.override(SiteOptions.get().tzinfo)`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with timezone.override(SiteOptions.get().tzinfo):
            return self.get_response(request)
