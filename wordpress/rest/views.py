"""The REST dispatcher: `/wp-json/<route>` and `?rest_route=<route>` reach the same table;
the index describes every route; `_fields` and `_embed` apply to every answer."""

import json
import re

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from blog.models import SiteOptions

from . import resources
from .auth import acting_user, nonce
from .errors import RestError, no_route

ITEM = r"(?P<pk>\d{1,18})"
READ, WRITE, EDIT = ["GET"], ["GET", "POST"], ["GET", "POST", "PUT", "PATCH", "DELETE"]


def oembed_description(request, pk=None, method="GET"):
    from ..oembed import description

    if method not in ("GET", "HEAD"):
        raise no_route()
    return description(request)


# (pattern, view, methods, a collection?): what the index lists and the dispatcher serves.
ROUTES = [
    (r"wp/v2/posts", resources.posts, WRITE, True),
    (rf"wp/v2/posts/{ITEM}", resources.posts, EDIT, False),
    (r"wp/v2/pages", resources.pages, WRITE, True),
    (rf"wp/v2/pages/{ITEM}", resources.pages, EDIT, False),
    (r"wp/v2/categories", resources.categories, WRITE, True),
    (rf"wp/v2/categories/{ITEM}", resources.categories, EDIT, False),
    (r"wp/v2/tags", resources.tags, WRITE, True),
    (rf"wp/v2/tags/{ITEM}", resources.tags, EDIT, False),
    (r"wp/v2/users", resources.users, READ, True),
    (r"wp/v2/users/(?P<pk>\d{1,18}|me)", resources.users, READ, False),
    (r"wp/v2/comments", resources.comments, WRITE, True),
    (rf"wp/v2/comments/{ITEM}", resources.comments, EDIT, False),
    (r"wp/v2/media", resources.media, WRITE, True),
    (rf"wp/v2/media/{ITEM}", resources.media, ["GET", "DELETE"], False),
    (r"wp/v2/types", resources.types, READ, False),
    (r"wp/v2/types/(?P<pk>[\w-]+)", resources.types, READ, False),
    (r"wp/v2/statuses", resources.statuses, READ, False),
    (r"wp/v2/statuses/(?P<pk>[\w-]+)", resources.statuses, READ, False),
    (r"wp/v2/search", resources.search, READ, True),
    (r"wp/v2/settings", resources.settings, ["GET", "POST", "PUT", "PATCH"], False),
    (r"oembed/1.0/embed", oembed_description, READ, False),
]
COMPILED = [(re.compile(f"^/?{pattern}/?$"), view) for pattern, view, _, _ in ROUTES]
COLLECTION_ARGS = [
    "context",
    "page",
    "per_page",
    "search",
    "include",
    "exclude",
    "order",
    "orderby",
    "slug",
]


def dispatch(request, route):
    """Answer one REST request; every error is WordPress's JSON error body."""
    method = (
        request.headers.get("X-HTTP-Method-Override")
        or request.GET.get("_method")
        or request.method
    ).upper()
    try:
        request.user = acting_user(request)
        if route.strip("/") in ("", "wp/v2", "oembed/1.0"):
            response = index(request, route.strip("/"))
        else:
            response = _route(request, route, method)
    except RestError as error:
        response = error.response()
    return _finish(request, response)


def _route(request, route, method):
    for pattern, view in COMPILED:
        if match := pattern.match(route):
            pk = match.groupdict().get("pk")
            return view(request, int(pk) if pk and pk.isdigit() else pk, method)
    raise no_route()


def index(request, namespace):
    options = SiteOptions.get()
    base = request.build_absolute_uri("/wp-json/")
    routes = {
        f"/{pattern}": {
            "namespace": pattern.rsplit("/", 1)[0] if pattern.startswith("oembed") else "wp/v2",
            "methods": methods,
            "endpoints": [
                {
                    "methods": ["GET"],
                    "args": {
                        name: {"required": False}
                        for name in (COLLECTION_ARGS if collection else ["context"])
                    },
                },
                *([{"methods": methods[1:], "args": {}}] if len(methods) > 1 else []),
            ],
        }
        for pattern, _view, methods, collection in ROUTES
    }
    if namespace:
        return JsonResponse(
            {
                "namespace": namespace,
                "routes": {k: v for k, v in routes.items() if v["namespace"] == namespace},
            }
        )
    return JsonResponse(
        {
            "name": options.title,
            "description": options.tagline,
            "url": request.build_absolute_uri("/").rstrip("/"),
            "home": request.build_absolute_uri("/").rstrip("/"),
            "gmt_offset": 0,
            "timezone_string": options.timezone,
            "namespaces": ["oembed/1.0", "wp/v2"],
            "authentication": [],
            "routes": {"/": {"namespace": "", "methods": ["GET"]}} | routes,
            "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
            "url_base": base,
        }
    )


def _finish(request, response):
    """Apply `_fields` and `_embed`, then the headers every REST answer carries."""
    fields = [f for f in request.GET.get("_fields", "").split(",") if f]
    embed = "_embed" in request.GET
    if response.get("Content-Type", "").startswith("application/json") and (fields or embed):
        data = json.loads(response.content)
        if response.status_code < 400:
            items = data if isinstance(data, list) else [data]
            if embed:
                for item in items:
                    _embed(request, item)
            if fields:
                items = [_only(item, fields) for item in items]
                data = items if isinstance(data, list) else items[0]
        response.content = json.dumps(data)
    response["Allow"] = "GET, POST, PUT, PATCH, DELETE"
    response["Access-Control-Expose-Headers"] = "X-WP-Total, X-WP-TotalPages, Link"
    response["X-Content-Type-Options"] = "nosniff"
    if request.method == "HEAD":
        return HttpResponse(status=response.status_code, headers=dict(response.items()))
    return response


def _only(item, fields):
    kept = {}
    for field in fields:
        head, _, rest = field.partition(".")
        if head not in item:
            continue
        if rest and isinstance(item[head], dict):
            kept.setdefault(head, {}).update(_only(item[head], [rest]))
        else:
            kept[head] = item[head]
    return kept


def _embed(request, item):
    """WordPress's `_embedded`: each embeddable link, fetched in the embed context."""
    embedded = {}
    for relation, links in item.get("_links", {}).items():
        found = []
        for link in links:
            if not link.get("embeddable"):
                continue
            route = link["href"].split("/wp-json/", 1)[-1]
            path, _, query = route.partition("?")
            sub = request.__class__(request.environ)
            sub.user = request.user
            sub.GET = sub.GET.copy()
            sub.GET.clear()
            for pair in filter(None, query.split("&")):
                key, _, value = pair.partition("=")
                sub.GET[key] = value
            sub.GET["context"] = "embed"
            try:
                found.append(json.loads(_route(sub, path, "GET").content))
            except RestError as error:
                found.append(json.loads(error.response().content))
        if found:
            embedded[relation] = found
    if embedded:
        item["_embedded"] = embedded


@csrf_exempt
def rest(request, route=""):
    return dispatch(request, route)


def admin_ajax(request):
    """WordPress's `admin-ajax.php?action=rest-nonce`: the nonce for cookie-authenticated
    REST calls, for a signed-in user; "0" otherwise, as WordPress answers."""
    if request.GET.get("action") != "rest-nonce" or not request.user.is_authenticated:
        return HttpResponse("0", content_type="text/plain", status=400)
    return HttpResponse(nonce(request), content_type="text/plain")
