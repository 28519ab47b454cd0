"""The wp/v2 resources: one function each, answering GET (collection or item) with
WordPress's shapes and, where WordPress allows, POST/PUT/PATCH/DELETE. What a caller may see is
the site's own rule (`published()`, plus what the caller may edit); what they may change is
blog/capabilities.py, and entries are written through the admin's form (wordpress/writing.py)."""

import django_comments
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.utils.text import slugify

from blog import capabilities, discussion
from blog import media as media_files
from blog.models import Category, Media, Post, PostType, SiteOptions, Status, Tag
from comments import moderation
from comments.models import State

from ..writing import WriteError, save_comment, save_entry, trash_entry
from . import params, payload
from .errors import RestError, no_route
from .shapes import Shaper

STATUSES_WRITABLE = ["publish", "future", "draft", "pending", "private"]

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
    """The entries the caller may read: the site's own rule (`readable_by`)."""
    return (
        Post.objects.readable_by(request.user)
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
            entries = entries.filter(**{lookup: payload.moment(request.GET, name)})
    statuses = request.GET.get("status", "publish").split(",")
    if statuses != ["publish"] and not capabilities.may_write(request.user, post_type):
        raise RestError(
            "rest_invalid_param",
            "Invalid parameter(s): status",
            400,
            params={"status": "Status is forbidden."},
        )
    if statuses == ["publish"]:
        entries = entries.published()
    elif "any" not in statuses:
        entries = entries.filter(status__in=statuses)
    entries = _ordered(request, entries)
    password = request.GET.get("password")
    return params.paginated(request, entries, lambda e: shaper.entry(e, password))


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


def _entry_resource(post_type):
    def resource(request, pk=None, method="GET"):
        if method in ("GET", "HEAD"):
            if pk is None:
                return _entry_collection(request, post_type)
            return _entry_item(request, post_type, pk)
        if method == "POST" and pk is None:
            return _create_entry(request, post_type)
        entry = Post.objects.filter(pk=pk, post_type=post_type).first()
        if entry is None:
            raise RestError("rest_post_invalid_id", "Invalid post ID.", 404)
        if method in ("POST", "PUT", "PATCH"):
            return _update_entry(request, entry)
        if method == "DELETE":
            return _delete_entry(request, entry)
        raise no_route()

    return resource


def _refused(request, code, message):
    return RestError(code, message, 403 if request.user.is_authenticated else 401)


def _entry_values(args, post_type):
    """EntryForm values from a REST body (WordPress's argument names)."""
    values = {}
    for theirs, ours in (("title", "title"), ("content", "body"), ("excerpt", "excerpt"),
                         ("slug", "slug"), ("password", "password")):  # fmt: skip
        if theirs in args:
            values[ours] = payload.text(args, theirs)
    if "status" in args:
        status = payload.one_of(args, "status", STATUSES_WRITABLE)
        values["status"] = "publish" if status == "future" else status
    for name in ("comment_status", "ping_status"):
        if name in args:
            values[name] = payload.one_of(args, name, ["open", "closed"])
    if "author" in args:
        values["author"] = payload.integer(args, "author")
    if "featured_media" in args:
        values["featured_image"] = payload.integer(args, "featured_media") or ""
    if "date_gmt" in args and args["date_gmt"]:
        values["published_at"] = payload.moment(args, "date_gmt", utc=True)
    elif "date" in args and args["date"]:
        values["published_at"] = payload.moment(args, "date")
    if post_type == PostType.POST:
        if "sticky" in args:
            values["is_sticky"] = payload.boolean(args, "sticky")
        for name in ("categories", "tags"):
            if name in args:
                values[name] = payload.integers(args, name)
    else:
        if "parent" in args:
            values["parent"] = payload.integer(args, "parent") or ""
        if "menu_order" in args:
            values["menu_order"] = payload.integer(args, "menu_order")
    return values


def _write(request, **kwargs):
    try:
        with transaction.atomic():
            return save_entry(request.user, **kwargs)
    except WriteError as error:
        if error.kind == "invalid":
            raise RestError("rest_invalid_param", error.message, 400) from error
        if "publish" in error.message:
            raise _refused(request, "rest_cannot_publish", error.message) from error
        if "sticky" in error.message:
            raise _refused(request, "rest_cannot_assign_sticky", error.message) from error
        code = "rest_cannot_create" if kwargs.get("entry") is None else "rest_cannot_edit"
        raise _refused(request, code, error.message) from error


def _create_entry(request, post_type):
    args = payload.read(request)
    if "id" in args:
        raise RestError("rest_post_exists", "Cannot create existing post.", 400)
    if not capabilities.may_write(request.user, post_type):
        raise _refused(
            request,
            "rest_cannot_create",
            "Sorry, you are not allowed to create posts as this user.",
        )
    entry = _write(request, values=_entry_values(args, post_type), post_type=post_type)
    response = JsonResponse(Shaper(request, "edit").entry(entry, entry.password), status=201)
    collection = "pages" if post_type == PostType.PAGE else "posts"
    response["Location"] = Shaper(request).route(f"wp/v2/{collection}/{entry.pk}")
    return response


def _update_entry(request, entry):
    if not capabilities.may_edit(request.user, entry):
        raise _refused(request, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
    args = payload.read(request)
    entry = _write(request, values=_entry_values(args, entry.post_type), entry=entry)
    return JsonResponse(Shaper(request, "edit").entry(entry, entry.password))


def _delete_entry(request, entry):
    if not capabilities.may_delete(request.user, entry):
        raise _refused(
            request, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."
        )
    force = payload.boolean(
        payload.read(request) | {"force": request.GET.get("force", "")}, "force"
    )
    previous = Shaper(request, "edit").entry(entry, entry.password)
    if not force and entry.status == Status.TRASH:
        raise RestError("rest_already_trashed", "The post has already been deleted.", 410)
    trash_entry(request.user, entry, force=force)
    if force:
        return JsonResponse({"deleted": True, "previous": previous})
    entry.refresh_from_db()
    return JsonResponse(Shaper(request, "edit").entry(entry, entry.password))


posts = _entry_resource(PostType.POST)
pages = _entry_resource(PostType.PAGE)


def _terms(model):
    published = Post.objects.published().filter(password="")
    return model.objects.annotate(
        published_count=Count("posts", filter=Q(posts__in=published.values("pk")), distinct=True)
    )


def _write_term(request, model, term=None):
    kind = model._meta.model_name
    action = "add" if term is None else "change"
    if not request.user.has_perm(f"blog.{action}_{kind}"):
        code = "rest_cannot_create" if term is None else "rest_cannot_update"
        raise _refused(
            request, code, "Sorry, you are not allowed to manage terms in this taxonomy."
        )
    args = payload.read(request)
    term = term or model()
    if "name" in args:
        term.name = payload.text(args, "name").strip()[:200]
    if not term.name:
        raise RestError("rest_missing_callback_param", "Missing parameter(s): name", 400,
                        params=["name"])  # fmt: skip
    if "slug" in args:
        term.slug = payload.text(args, "slug")[:200]
    if not term.slug:
        term.slug = slugify(term.name, allow_unicode=True)[:200] or kind
    if model.objects.filter(slug=term.slug).exclude(pk=term.pk).exists():
        raise RestError("term_exists", "A term with the name provided already exists.", 400)
    if model is Category:
        if "description" in args:
            term.description = payload.text(args, "description")
        if "parent" in args:
            parent = payload.integer(args, "parent") or None
            if parent and not Category.objects.filter(pk=parent).exists():
                raise RestError("rest_term_invalid", "Parent term does not exist.", 400)
            term.parent_id = parent
    created = term.pk is None
    term.save()
    term = _terms(model).get(pk=term.pk)
    return JsonResponse(Shaper(request, "edit").term(term), status=201 if created else 200)


def _term_resource(model):
    def resource(request, pk=None, method="GET"):
        if method == "POST" and pk is None:
            return _write_term(request, model)
        if method not in ("GET", "HEAD"):
            term = model.objects.filter(pk=pk).first() if pk is not None else None
            if term is None:
                raise RestError("rest_term_invalid", "Term does not exist.", 404)
            if method in ("POST", "PUT", "PATCH"):
                return _write_term(request, model, term)
            if method != "DELETE":
                raise no_route()
            if not request.user.has_perm(f"blog.delete_{model._meta.model_name}"):
                raise _refused(
                    request, "rest_cannot_delete", "Sorry, you are not allowed to delete this term."
                )
            if request.GET.get("force") not in ("1", "true") and payload.read(request).get(
                "force"
            ) not in (True, "1", "true"):
                raise RestError(
                    "rest_trash_not_supported",
                    "Terms do not support trashing. Set 'force=true' to delete.",
                    501,
                )
            previous = Shaper(request, "edit").term(_terms(model).get(pk=term.pk))
            term.delete()
            return JsonResponse({"deleted": True, "previous": previous})
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


def users(request, pk=None, method="GET"):
    if method not in ("GET", "HEAD"):
        raise no_route()
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
    """Approved comments on entries whose discussion anyone may read (not behind a password)."""
    posts = Post.objects.syndicated().as_comment_keys()
    return (
        discussion.approved_comments().filter(object_pk__in=posts).order_by("-submit_date", "-pk")
    )


def _create_comment(request):
    if not request.user.is_authenticated:
        raise RestError(
            "rest_comment_login_required", "Sorry, you must be logged in to comment.", 401
        )
    args = payload.read(request)
    if "post" not in args:
        raise RestError(
            "rest_comment_invalid_post_id",
            "Sorry, you are not allowed to create this comment without a post.",
            403,
        )
    post = Post.objects.published().filter(pk=payload.integer(args, "post")).first()
    if post is None:
        raise RestError(
            "rest_comment_invalid_post_id",
            "Sorry, you are not allowed to create this comment without a post.",
            403,
        )
    if not post.comments_open:
        raise RestError("rest_comment_closed", "Sorry, comments are closed for this item.", 403)
    text = payload.text(args, "content").strip() if "content" in args else ""
    if not text:
        raise RestError("rest_comment_content_invalid", "Invalid comment content.", 400)
    parent = payload.integer(args, "parent") if args.get("parent") else 0
    if parent and not _all_comments().filter(pk=parent, object_pk=str(post.pk)).exists():
        raise RestError("rest_comment_invalid_parent", "Invalid comment parent ID.", 400)
    try:
        comment = save_comment(request, post, text, parent)
    except moderation.Rejected as error:
        code = {429: "comment_flood", 409: "comment_duplicate"}.get(
            error.status, "rest_comment_failed"
        )
        raise RestError(code, error.message, error.status) from error
    return JsonResponse(Shaper(request).comment(comment), status=201)


def _all_comments():
    return django_comments.get_model().objects.all()


def _moderate_comment(request, pk, method):
    comment = _all_comments().filter(pk=pk).first()
    post = comment and Post.objects.filter(pk=comment.object_pk).first()
    if comment is None or post is None:
        raise RestError("rest_comment_invalid_id", "Invalid comment ID.", 404)
    may = request.user.has_perm("comments.change_comment") and (
        capabilities.may_edit_others(request.user) or post.author_id == request.user.pk
    )
    if not may:
        raise _refused(
            request, "rest_cannot_edit", "Sorry, you are not allowed to edit this comment."
        )
    args = payload.read(request)
    if method == "DELETE":
        force = str(args.get("force", "")).lower() in ("1", "true")
        previous = Shaper(request, "edit").comment(comment)
        if force:
            comment.delete()
            return JsonResponse({"deleted": True, "previous": previous})
        comment.state = State.TRASH
        comment.save()
        return JsonResponse(Shaper(request, "edit").comment(comment))
    states = {"approved": State.APPROVED, "approve": State.APPROVED, "hold": State.PENDING,
              "spam": State.SPAM, "trash": State.TRASH}  # fmt: skip
    if "status" in args:
        comment.state = states[payload.one_of(args, "status", list(states))]
    if "content" in args:
        comment.comment = payload.text(args, "content")
    comment.save()
    return JsonResponse(Shaper(request, "edit").comment(comment))


def comments(request, pk=None, method="GET"):
    if method == "POST" and pk is None:
        return _create_comment(request)
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        return _moderate_comment(request, pk, method)
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


def _upload(request):
    if not request.user.has_perm("blog.add_media"):
        raise _refused(
            request,
            "rest_cannot_create",
            "Sorry, you are not allowed to upload media on this site.",
        )
    upload = request.FILES.get("file")
    if upload is None:
        disposition = request.headers.get("Content-Disposition", "")
        name = (
            disposition.split("filename=", 1)[-1].strip().strip('"')
            if "filename=" in disposition
            else ""
        )
        if not name:
            raise RestError(
                "rest_upload_no_content_disposition", "No Content-Disposition supplied.", 400
            )
        if not request.body:
            raise RestError("rest_upload_no_data", "No data supplied.", 400)
        upload = ContentFile(request.body, name=name)
    if upload.size > django_settings.INKWELL_MAX_UPLOAD_BYTES:
        raise RestError("rest_upload_file_too_big", "This file is too big for this site.", 400)
    args = payload.read(request) if request.FILES else {}
    item = Media(uploaded_by=request.user)
    for theirs, ours in (("title", "title"), ("caption", "caption"), ("alt_text", "alt_text")):
        if theirs in args:
            setattr(item, ours, payload.text(args, theirs))
    if "post" in args and args["post"]:
        item.parent_id = payload.integer(args, "post")
    try:
        with transaction.atomic():
            media_files.store(item, upload)
            item.title = item.title or upload.name.rsplit(".", 1)[0][:255]
            item.save()
    except (ValidationError, ValueError, OSError) as error:  # the upload checks' refusal
        raise RestError(
            "rest_upload_sideload_error", "; ".join(getattr(error, "messages", [str(error)])), 400
        ) from error
    response = JsonResponse(Shaper(request, "edit").media(item), status=201)
    response["Location"] = Shaper(request).route(f"wp/v2/media/{item.pk}")
    return response


def media(request, pk=None, method="GET"):
    if method == "POST" and pk is None:
        return _upload(request)
    if method == "DELETE":
        item = Media.objects.filter(pk=pk).first()
        if item is None:
            raise RestError("rest_post_invalid_id", "Invalid post ID.", 404)
        if not request.user.has_perm("blog.delete_media"):
            raise _refused(
                request, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."
            )
        if request.GET.get("force") not in ("1", "true"):
            raise RestError(
                "rest_trash_not_supported",
                "Media does not support trashing. Set 'force=true' to delete.",
                501,
            )
        previous = Shaper(request, "edit").media(item)
        item.delete()
        return JsonResponse({"deleted": True, "previous": previous})
    if method not in ("GET", "HEAD"):
        raise no_route()
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


def types(request, pk=None, method="GET"):
    if method not in ("GET", "HEAD"):
        raise no_route()
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


def statuses(request, pk=None, method="GET"):
    if method not in ("GET", "HEAD"):
        raise no_route()

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


def search(request, pk=None, method="GET"):
    if method not in ("GET", "HEAD"):
        raise no_route()
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


# WordPress's setting names for the site options they match, with each one's type.
SETTINGS = {
    "title": ("title", str),
    "description": ("tagline", str),
    "timezone": ("timezone", str),
    "date_format": ("date_format", str),
    "time_format": ("time_format", str),
    "posts_per_page": ("posts_per_page", int),
    "show_on_front": ("show_on_front", str),
    "page_on_front": ("page_on_front_id", int),
    "page_for_posts": ("page_for_posts_id", int),
    "default_comment_status": ("default_comment_status", str),
    "default_ping_status": ("default_ping_status", str),
}


def settings(request, pk=None, method="GET"):
    """The site's settings, for administrators only (WordPress's manage_options)."""
    if not request.user.has_perm("blog.change_siteoptions"):
        raise _refused(request, "rest_forbidden", "Sorry, you are not allowed to do that.")
    options = SiteOptions.get()
    if method in ("POST", "PUT", "PATCH"):
        args = payload.read(request)
        for name, (field, kind) in SETTINGS.items():
            if name in args:
                value = payload.integer(args, name) if kind is int else payload.text(args, name)
                setattr(options, field, value or None if field.endswith("_id") else value)
        try:
            options.full_clean()
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise RestError("rest_invalid_param", f"{field}: {messages[0]}", 400) from error
        options.save()
    elif method not in ("GET", "HEAD"):
        raise no_route()
    data = {name: getattr(options, field) for name, (field, _kind) in SETTINGS.items()}
    data["url"] = data["home"] = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse({k: (0 if v is None else str(v) if k.endswith("_status") else v)
                         for k, v in data.items()})  # fmt: skip
