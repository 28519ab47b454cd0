"""WordPress's API discovery on every page (the `Link: <…/wp-json/>; rel="https://api.w.org/"`
header) and its `?rest_route=/wp/v2/…` form of every REST URL, on any path."""

from django.urls import reverse

from .rest.views import rest


class RestDiscoveryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "rest_route" in request.GET:
            response = rest(request, request.GET["rest_route"].lstrip("/"))
        else:
            response = self.get_response(request)
        api = request.build_absolute_uri(reverse("wordpress:rest-index"))
        link = f'<{api}>; rel="https://api.w.org/"'
        response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
        return response
