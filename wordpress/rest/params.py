"""Reading a collection's query arguments as WordPress validates them: page, per_page (1–100),
order, orderby, include/exclude, and ID lists; a bad value is a rest_invalid_param error."""

import math
from urllib.parse import urlencode

from django.http import JsonResponse

from .errors import RestError, invalid_param

MAX_PER_PAGE = 100


def integer(request, name, default=None, minimum=None, maximum=None):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 18:
        raise invalid_param(name, f"{name} is not of type integer.")
    value = int(raw)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            reason = f"{name} must be greater than or equal to {minimum}"
        else:
            reason = f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)"
        raise invalid_param(name, reason)
    return value


def id_list(request, name):
    """`?include=1,2` or `?include[]=1&include[]=2`, as WordPress accepts both."""
    values = request.GET.getlist(f"{name}[]") or request.GET.get(name, "").split(",")
    ids = []
    for value in filter(None, (v.strip() for v in values)):
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise invalid_param(name, f"{name}[0] is not of type integer.")
        ids.append(int(value))
    return ids


def choice(request, name, choices, default):
    value = request.GET.get(name, default)
    if value not in choices:
        raise invalid_param(name, f"{name} is not one of {', '.join(choices)}.")
    return value


def paginated(request, queryset, shape):
    """One page of `queryset` as a JSON list, with X-WP-Total, X-WP-TotalPages and Link."""
    page = integer(request, "page", 1, minimum=1)
    per_page = integer(request, "per_page", 10, minimum=1, maximum=MAX_PER_PAGE)
    total = queryset.count()
    pages = math.ceil(total / per_page)
    if page > 1 and page > pages:
        raise RestError(
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
            400,
        )
    items = queryset[(page - 1) * per_page : page * per_page]
    response = JsonResponse([shape(item) for item in items], safe=False)
    response["X-WP-Total"] = str(total)
    response["X-WP-TotalPages"] = str(pages)
    links = []
    base = request.build_absolute_uri(request.path)
    query = request.GET.copy()
    if page > 1:
        query["page"] = str(page - 1)
        links.append(f'<{base}?{urlencode(query, doseq=True)}>; rel="prev"')
    if page < pages:
        query["page"] = str(page + 1)
        links.append(f'<{base}?{urlencode(query, doseq=True)}>; rel="next"')
    if links:
        response["Link"] = ", ".join(links)
    return response
