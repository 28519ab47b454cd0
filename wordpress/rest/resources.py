"""The wp/v2 resources: each a pair of functions (collection, item) that answer GET with
WordPress's shapes. What readers may see follows the site's own rules (`published()`)."""

import django_comments
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import JsonResponse

from blog.models import Category, Media, Post, PostType, Status, Tag

from . import params
from .errors import RestError
from .shapes import Shaper

ORDERBY = ["date", "id", "include", "title", "slug", "modified", "author", "relevance"]


def _shaper(request):
    context = params.choice(request, "context", ["view", "embed", "edit"], "view")
    if context == "edit" and not request.user.has_perm("blog.change_post"):
        raise RestError(
            "rest_forbidden_context",
            "Sorry, you are not allowed to edit posts in this post type.",
            401 if not request.user.is_authenticated else 403,
        )
    return Shaper(request, context)


def _entries(request, post_type):
    return (
        Post.objects.published()
        .filter(post_type=post_type)
        .select_related("author")
        .prefetch_related("categories", "tags")
    )


def _entry_collection(request, post_type):
    shaper = _shaper(request)
    entries = _entries(request, post_type)
    if search := request.GET.get("search"):
        entries = entries.filter(Q(title__icontains=search) | Q(body__icontains=search))
    if slugs := request.GET.getlist("slug[]") or request.GET.get("slug", ""):
        entries = entries.filter(slug__in=slugs if isinstance(slugs, list) else slugs.split(","))
    if include := params.id_list(request, "include"):
        entries = entries.filter(pk__in=include)
    if exclude := params.id_list(request, "exclude"):
        entries = entries.exclude(pk__in=exclude)
    if authors := params.id_list(request, "author"):
        entries = entries.filter(author_id__in=authors)
    if post_type == PostType.POST:
        if categories := params.id_list(request, "categories"):
            entries = entries.filter(categories__in=categories).distinct()
        if tags := params.id_list(request, "tags"):
            entries = entries.filter(tags__in=tags).distinct()
        if "sticky" in request.GET:
            entries = entries.filter(is_sticky=request.GET["sticky"] in ("1", "true"))
    elif parents := params.id_list(request, "parent"):
        entries = entries.filter(parent_id__in=parents)
    for name, lookup in (("after", "published_at__gt"), ("before", "published_at__lt")):
        if name in request.GET:
            entries = entries.filter(**{lookup: _date(request, name)})
    status = request.GET.get("status", "publish")
    if status != "publish":
        raise RestError(
            "rest_invalid_param",
            "Invalid parameter(s): status",
            400,
            params={"status": "Status is forbidden."},
        )
    entries = _ordered(request, entries)
    password = request.GET.get("password")
    return params.paginated(request, entries, lambda e: shaper.entry(e, password))


def _date(request, name):
    from django.utils.dateparse import parse_datetime
    from django.utils.timezone import get_current_timezone, is_naive, make_aware

    try:
        moment = parse_datetime(request.GET[name])
    except ValueError:
        moment = None
    if moment is None:
        raise params.invalid_param(name, "Invalid date.")
    return make_aware(moment, get_current_timezone()) if is_naive(moment) else moment


def _ordered(request, entries):
    orderby = params.choice(request, "orderby", ORDERBY, "date")
    order = params.choice(request, "order", ["asc", "desc"], "desc")
    field = {
        "date": "published_at",
        "id": "pk",
        "title": "title",
        "slug": "slug",
        "modified": "updated_at",
        "author": "author_id",
    }.get(orderby, "published_at")
    return entries.order_by(field if order == "asc" else f"-{field}", "-pk")


def _entry_item(request, post_type, pk):
    shaper = _shaper(request)
    entry = _entries(request, post_type).filter(pk=pk).first()
    if entry is None:
        raise RestError("rest_post_invalid_id", "Invalid post ID.", 404)
    password = request.GET.get("password")
    if password is not None and entry.password and password != entry.password:
        raise RestError("rest_post_incorrect_password", "Incorrect post password.", 403)
    return JsonResponse(shaper.entry(entry, password))


def posts(request, pk=None):
    if pk is None:
        return _entry_collection(request, PostType.POST)
    return _entry_item(request, PostType.POST, pk)


def pages(request, pk=None):
    if pk is None:
        return _entry_collection(request, PostType.PAGE)
    return _entry_item(request, PostType.PAGE, pk)


def _terms(model):
    published = Post.objects.published().filter(password="")
    return model.objects.annotate(
        published_count=Count("posts", filter=Q(posts__in=published.values("pk")), distinct=True)
    )


def _term_resource(model):
    def resource(request, pk=None):
        shaper = _shaper(request)
        terms = _terms(model)
        if pk is not None:
            term = terms.filter(pk=pk).first()
            if term is None:
                raise RestError("rest_term_invalid", "Term does not exist.", 404)
            return JsonResponse(shaper.term(term))
        if search := request.GET.get("search"):
            terms = terms.filter(name__icontains=search)
        if slugs := request.GET.get("slug"):
            terms = terms.filter(slug__in=slugs.split(","))
        if include := params.id_list(request, "include"):
            terms = terms.filter(pk__in=include)
        if post := params.integer(request, "post", minimum=1):
            terms = terms.filter(posts=post)
        if request.GET.get("hide_empty") in ("1", "true"):
            terms = terms.filter(published_count__gt=0)
        if model is Category and "parent" in request.GET:
            parent = params.integer(request, "parent", minimum=0)
            terms = terms.filter(parent_id=parent or None)
        orderby = params.choice(
            request, "orderby", ["id", "include", "name", "slug", "count", "description"], "name"
        )
        order = params.choice(request, "order", ["asc", "desc"], "asc")
        field = {"id": "pk", "count": "published_count"}.get(orderby, orderby)
        field = "pk" if field == "include" else field
        terms = terms.order_by(field if order == "asc" else f"-{field}", "pk")
        return params.paginated(request, terms, shaper.term)

    return resource


categories = _term_resource(Category)
tags = _term_resource(Tag)


def _authors():
    published = Post.objects.published()
    return get_user_model().objects.filter(pk__in=published.values("author_id")).order_by("pk")


def users(request, pk=None):
    shaper = _shaper(request)
    people = _authors()
    if pk == "me":
        if not request.user.is_authenticated:
            raise RestError("rest_not_logged_in", "You are not currently logged in.", 401)
        return JsonResponse(shaper.user(request.user))
    if pk is not None:
        person = people.filter(pk=pk).first()
        if person is None:
            raise RestError("rest_user_invalid_id", "Invalid user ID.", 404)
        return JsonResponse(shaper.user(person))
    if search := request.GET.get("search"):
        people = people.filter(username__icontains=search)
    if slugs := request.GET.get("slug"):
        people = people.filter(username__in=slugs.split(","))
    return params.paginated(request, people, shaper.user)


def _approved_comments():
    posts = Post.objects.published().filter(password="").as_comment_keys()
    return (
        django_comments.get_model()
        .objects.filter(is_public=True, is_removed=False, object_pk__in=posts)
        .order_by("-submit_date", "-pk")
    )


def comments(request, pk=None):
    shaper = _shaper(request)
    found = _approved_comments()
    if pk is not None:
        comment = found.filter(pk=pk).first()
        if comment is None:
            raise RestError("rest_comment_invalid_id", "Invalid comment ID.", 404)
        return JsonResponse(shaper.comment(comment))
    if posts := params.id_list(request, "post"):
        found = found.filter(object_pk__in=[str(pk) for pk in posts])
    if parents := params.id_list(request, "parent"):
        found = found.filter(parent_id__in=parents)
    if search := request.GET.get("search"):
        found = found.filter(comment__icontains=search)
    if params.choice(request, "order", ["asc", "desc"], "desc") == "asc":
        found = found.order_by("submit_date", "pk")
    return params.paginated(request, found, shaper.comment)


def media(request, pk=None):
    shaper = _shaper(request)
    items = Media.objects.all()
    if pk is not None:
        item = items.filter(pk=pk).first()
        if item is None:
            raise RestError("rest_post_invalid_id", "Invalid post ID.", 404)
        return JsonResponse(shaper.media(item))
    if media_type := request.GET.get("media_type"):
        items = items.filter(mime_type__startswith=f"{media_type}/")
    if parents := params.id_list(request, "parent"):
        items = items.filter(parent_id__in=parents)
    return params.paginated(request, items, shaper.media)


TYPES = {
    "post": ("Posts", "posts", True, ["category", "post_tag"]),
    "page": ("Pages", "pages", True, []),
    "attachment": ("Media", "media", False, []),
}


def types(request, pk=None):
    shaper = _shaper(request)

    def shape(slug):
        name, route, hierarchical, taxonomies = TYPES[slug]
        return {
            "description": "",
            "hierarchical": slug == "page",
            "has_archive": slug == "post",
            "name": name,
            "slug": slug,
            "icon": None,
            "taxonomies": taxonomies,
            "rest_base": route,
            "rest_namespace": "wp/v2",
            "_links": {
                "collection": [{"href": shaper.route("wp/v2/types")}],
                "wp:items": [{"href": shaper.route(f"wp/v2/{route}")}],
            },
        }

    if pk is not None:
        if pk not in TYPES:
            raise RestError("rest_type_invalid", "Invalid post type.", 404)
        return JsonResponse(shape(pk))
    return JsonResponse({slug: shape(slug) for slug in TYPES})


STATUSES = {
    "publish": "Published",
    "future": "Scheduled",
    "draft": "Draft",
    "pending": "Pending",
    "private": "Private",
    "trash": "Trash",
}


def statuses(request, pk=None):
    def shape(slug):
        return {
            "name": STATUSES[slug],
            "private": slug == "private",
            "protected": slug in ("future", "draft", "pending"),
            "public": slug == "publish",
            "queryable": slug == "publish",
            "show_in_list": slug != "trash",
            "slug": slug,
            "date_floating": slug in ("draft", "pending"),
        }

    editor = request.user.has_perm("blog.change_post")
    visible = [slug for slug in STATUSES if editor or slug == "publish"]
    if pk is not None:
        if pk not in visible:
            raise RestError("rest_status_invalid", "Invalid status.", 404)
        return JsonResponse(shape(pk))
    return JsonResponse({slug: shape(slug) for slug in visible})


def search(request, pk=None):
    shaper = _shaper(request)
    words = request.GET.get("search", "")
    found = Post.objects.published().filter(status__in=[Status.PUBLISH, Status.FUTURE])
    if words:
        found = found.filter(Q(title__icontains=words) | Q(body__icontains=words))

    def shape(entry):
        route = "pages" if entry.post_type == PostType.PAGE else "posts"
        return {
            "id": entry.pk,
            "title": entry.title,
            "url": shaper.absolute(entry.get_absolute_url()),
            "type": "post",
            "subtype": str(entry.post_type),
            "_links": {
                "self": [{"embeddable": True, "href": shaper.route(f"wp/v2/{route}/{entry.pk}")}]
            },
        }

    return params.paginated(request, found, shape)
