"""WordPress's XML-RPC API on /xmlrpc.php: `wp.*`, `metaWeblog.*`, `blogger.*` and `mt.*`,
registered with the dispatcher in comments/pings/xmlrpc.py. Faults use WordPress's codes
(403 bad login, 401 not allowed, 404 no such item, 400 missing arguments). There is no
`system.multicall`: it would let one request try hundreds of passwords."""

import datetime
from xmlrpc.client import Binary, DateTime, Fault

import django_comments
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blog import capabilities, media
from blog.models import Category, Media, Post, PostType, SiteOptions, Status, Tag
from comments import moderation
from comments.models import State
from comments.pings.xmlrpc import METHODS, method

from .auth import api_user
from .writing import WriteError, save_comment, save_entry, trash_entry

BAD_LOGIN = Fault(403, "Incorrect username or password.")
TAXONOMIES = {"category": Category, "post_tag": Tag}
WP_STATUS = {State.APPROVED: "approve", State.PENDING: "hold", State.SPAM: "spam",
             State.TRASH: "trash"}  # fmt: skip
STATUS_LIST = {"draft": "Draft", "pending": "Pending Review", "private": "Private",
               "publish": "Published"}  # fmt: skip


# --- arguments, login, conversions ---------------------------------------------------------


def _args(params, count):
    if len(params) < count:
        raise Fault(400, "Insufficient arguments passed to this XML-RPC method.")
    return params


def _login(request, username, password):
    if not settings.INKWELL_XMLRPC_ENABLED:
        raise Fault(405, "XML-RPC services are disabled on this site.")
    if not isinstance(username, str) or not isinstance(password, str):
        raise BAD_LOGIN
    allowed = SiteOptions.get().xmlrpc_account_passwords
    user = api_user(request, username, password, account_password_allowed=allowed)
    if user is None:
        raise BAD_LOGIN
    return user


def _id(value, fault):
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise fault
    return int(text)


def _struct(value):
    return value if isinstance(value, dict) else {}


def _date(value):
    if isinstance(value, DateTime):
        try:
            return datetime.datetime.strptime(value.value[:17], "%Y%m%dT%H:%M:%S")
        except ValueError as error:
            raise Fault(400, "Invalid date.") from error
    return None


def _when(struct, local_key, gmt_key):
    """An entry's date from a struct: the GMT one wins, else the site-local one."""
    if moment := _date(struct.get(gmt_key)):
        return moment.replace(tzinfo=datetime.UTC)
    if moment := _date(struct.get(local_key)):
        return timezone.make_aware(moment, SiteOptions.get().tzinfo)
    return None


def _dt(moment, gmt=False):
    moment = moment.astimezone(datetime.UTC) if gmt else timezone.localtime(moment)
    return DateTime(moment.replace(tzinfo=None))


def _absolute(request, path):
    return request.build_absolute_uri(path)


def _entry(entry_id):
    entry = Post.objects.filter(pk=_id(entry_id, Fault(404, "Invalid post ID."))).first()
    if entry is None:
        raise Fault(404, "Invalid post ID.")
    return entry


def _writing(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except WriteError as error:
        raise Fault(401 if error.kind == "forbidden" else 500, error.message) from error


def _names_to_terms(user, model, names):
    found = []
    for name in names:
        name = str(name).strip()
        term = model.objects.filter(name=name).first()
        if term is None and user.has_perm(f"blog.add_{model._meta.model_name}"):
            term = model.objects.create(name=name[:200], slug=_unique_slug(model, name))
        if term is not None:
            found.append(term.pk)
    return found


def _unique_slug(model, name):
    base = slugify(name, allow_unicode=True)[:190] or "term"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- structs -------------------------------------------------------------------------------


def _term_struct(request, term):
    is_category = isinstance(term, Category)
    return {
        "term_id": str(term.pk),
        "name": term.name,
        "slug": term.slug,
        "term_group": "0",
        "term_taxonomy_id": str(term.pk),
        "taxonomy": "category" if is_category else "post_tag",
        "description": getattr(term, "description", ""),
        "parent": str(term.parent_id or 0) if is_category else "0",
        "count": term.posts.count(),
        "filter": "raw",
        "link": _absolute(request, term.get_absolute_url()),
    }


def _media_struct(request, item):
    return {
        "attachment_id": str(item.pk),
        "date_created_gmt": _dt(item.uploaded_at, gmt=True),
        "parent": item.parent_id or 0,
        "link": _absolute(request, item.url),
        "title": item.title or str(item),
        "caption": item.caption,
        "description": "",
        "metadata": {
            "width": item.width or 0,
            "height": item.height or 0,
            "file": item.file.name if item.file else "",
        },  # fmt: skip
        "type": item.mime_type,
        "thumbnail": _absolute(request, item.size_url("thumbnail")),
        "id": str(item.pk),
        "file": str(item),
        "url": _absolute(request, item.url),
    }


def _post_struct(request, entry):
    terms = [*entry.categories.all(), *entry.tags.all()]
    return {
        "post_id": str(entry.pk),
        "post_title": entry.title,
        "post_date": _dt(entry.published_at),
        "post_date_gmt": _dt(entry.published_at, gmt=True),
        "post_modified": _dt(entry.updated_at),
        "post_modified_gmt": _dt(entry.updated_at, gmt=True),
        "post_status": str(entry.status),
        "post_type": str(entry.post_type),
        "post_name": entry.slug,
        "post_author": str(entry.author_id),
        "post_password": entry.password,
        "post_excerpt": entry.excerpt,
        "post_content": entry.body,
        "post_parent": str(entry.parent_id or 0),
        "post_mime_type": "",
        "link": _absolute(request, entry.get_absolute_url()),
        "guid": _absolute(request, entry.get_shortlink()),
        "menu_order": entry.menu_order,
        "comment_status": str(entry.comment_status),
        "ping_status": str(entry.ping_status),
        "sticky": entry.is_sticky,
        "post_thumbnail": _media_struct(request, entry.featured_image)
        if entry.featured_image
        else {},
        "post_format": "standard",
        "terms": [_term_struct(request, term) for term in terms],
        "custom_fields": [],
    }


def _metaweblog_struct(request, entry):
    teaser, more, rest = entry.body.partition("<!--more-->")
    return {
        "dateCreated": _dt(entry.published_at),
        "userid": str(entry.author_id),
        "postid": str(entry.pk),
        "description": teaser if more else entry.body,
        "title": entry.title,
        "link": _absolute(request, entry.get_absolute_url()),
        "permaLink": _absolute(request, entry.get_absolute_url()),
        "categories": [c.name for c in entry.categories.all()],
        "mt_excerpt": entry.excerpt,
        "mt_text_more": rest if more else "",
        "wp_more_text": "",
        "mt_allow_comments": int(entry.comment_status == "open"),
        "mt_allow_pings": int(entry.ping_status == "open"),
        "mt_keywords": ", ".join(t.name for t in entry.tags.all()),
        "wp_slug": entry.slug,
        "wp_password": entry.password,
        "wp_author_id": str(entry.author_id),
        "wp_author_display_name": entry.author.get_full_name() or entry.author.get_username(),
        "date_created_gmt": _dt(entry.published_at, gmt=True),
        "post_status": str(entry.status),
        "custom_fields": [],
        "wp_post_format": "standard",
        "sticky": entry.is_sticky,
        "date_modified": _dt(entry.updated_at),
        "date_modified_gmt": _dt(entry.updated_at, gmt=True),
        "wp_post_thumbnail": str(entry.featured_image_id or ""),
    }


def _comment_struct(request, comment, post):
    return {
        "date_created_gmt": _dt(comment.submit_date, gmt=True),
        "user_id": str(comment.user_id or 0),
        "comment_id": str(comment.pk),
        "parent": str(0 if comment.parent_id == comment.pk else comment.parent_id),
        "status": WP_STATUS.get(comment.state, "hold"),
        "content": comment.comment,
        "link": _absolute(request, post.get_absolute_url()) + f"#comment-{comment.pk}",
        "post_id": str(post.pk),
        "post_title": post.title,
        "author": comment.user_name,
        "author_url": comment.user_url,
        "author_email": comment.user_email,
        "author_ip": comment.ip_address or "",
        "type": str(comment.kind),
    }


def _blogs(request, user):
    options = SiteOptions.get()
    return [
        {
            "isAdmin": user.is_superuser or user.groups.filter(name="Administrator").exists(),
            "url": _absolute(request, "/"),
            "blogid": "1",
            "blogName": options.title,
            "xmlrpc": _absolute(request, "/xmlrpc.php"),
        }
    ]


# --- entries from content structs ------------------------------------------------------------


def _wp_values(user, content):
    """EntryForm values from wp.newPost/wp.editPost's content struct."""
    mapping = {
        "post_title": "title",
        "post_content": "body",
        "post_excerpt": "excerpt",
        "post_name": "slug",
        "post_password": "password",
        "comment_status": "comment_status",
        "ping_status": "ping_status",
        "menu_order": "menu_order",
    }
    values = {ours: content[theirs] for theirs, ours in mapping.items() if theirs in content}
    if "post_status" in content:
        values["status"] = (
            "publish" if content["post_status"] == "future" else content["post_status"]
        )
    if "sticky" in content:
        values["is_sticky"] = bool(content["sticky"])
    if "post_author" in content:
        values["author"] = _id(content["post_author"], Fault(404, "Invalid author ID."))
    if "post_parent" in content:
        values["parent"] = _id(content["post_parent"], Fault(404, "Invalid post ID.")) or ""
    if "post_thumbnail" in content:
        values["featured_image"] = (
            _id(content["post_thumbnail"], Fault(404, "Invalid attachment ID.")) or ""
        )
    if when := _when(content, "post_date", "post_date_gmt"):
        values["published_at"] = when
    terms, names = _struct(content.get("terms")), _struct(content.get("terms_names"))
    for taxonomy, field in (("category", "categories"), ("post_tag", "tags")):
        ids = [_id(t, Fault(403, "Invalid term ID.")) for t in terms.get(taxonomy, [])]
        ids += _names_to_terms(user, TAXONOMIES[taxonomy], names.get(taxonomy, []))
        if taxonomy in terms or taxonomy in names:
            values[field] = ids
    if set(terms) - set(TAXONOMIES):
        raise Fault(
            401,
            "Sorry, one of the given taxonomies is not supported by the post type.",
        )
    return values


def _metaweblog_values(user, struct, publish):
    values = {}
    if "title" in struct:
        values["title"] = struct["title"]
    if "description" in struct:
        more = struct.get("mt_text_more") or ""
        values["body"] = struct["description"] + (f"<!--more-->{more}" if more else "")
    for theirs, ours in (
        ("mt_excerpt", "excerpt"),
        ("wp_slug", "slug"),
        ("wp_password", "password"),
    ):
        if theirs in struct:
            values[ours] = struct[theirs]
    status = struct.get("post_status") or ("publish" if publish else "draft")
    values["status"] = "publish" if status == "future" else status
    for theirs, ours in (
        ("mt_allow_comments", "comment_status"),
        ("mt_allow_pings", "ping_status"),
    ):
        if theirs in struct:
            value = struct[theirs]
            is_open = value in (1, "1", "open", True)
            values[ours] = "open" if is_open else "closed"
    if "sticky" in struct:
        values["is_sticky"] = bool(struct["sticky"])
    if "wp_author_id" in struct:
        values["author"] = _id(struct["wp_author_id"], Fault(404, "Invalid author ID."))
    if when := _when(struct, "dateCreated", "date_created_gmt"):
        values["published_at"] = when
    if "categories" in struct:
        values["categories"] = _names_to_terms(user, Category, struct["categories"] or [])
    if "mt_keywords" in struct:
        values["tags"] = []
        values["new_tags"] = str(struct["mt_keywords"])
    return values


# --- blogs and options -----------------------------------------------------------------------


@method("wp.getUsersBlogs")
def get_users_blogs(request, *params):
    username, password = _args(params, 2)[:2]
    return _blogs(request, _login(request, username, password))


@method("blogger.getUsersBlogs")
def blogger_get_users_blogs(request, *params):
    _appkey, username, password = _args(params, 3)[:3]
    return _blogs(request, _login(request, username, password))


@method("wp.getOptions")
def get_options(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    user = _login(request, username, password)
    options = SiteOptions.get()
    admin = user.has_perm("blog.change_siteoptions")
    values = {
        "software_name": ("Software Name", True, "Inkwell"),
        "software_version": ("Software Version", True, "0.1"),
        "blog_url": ("WordPress Address (URL)", True, _absolute(request, "/")),
        "home_url": ("Site Address (URL)", True, _absolute(request, "/")),
        "blog_title": ("Site Title", not admin, options.title),
        "blog_tagline": ("Site Tagline", not admin, options.tagline),
        "time_zone": ("Time Zone", True, "0"),
        "timezone": ("Time Zone", True, options.timezone),
        "date_format": ("Date Format", True, options.date_format),
        "time_format": ("Time Format", True, options.time_format),
        "default_comment_status": ("Comments on new posts", True,
                                   str(options.default_comment_status)),
        "default_ping_status": ("Pingbacks and trackbacks on new posts", True,
                                str(options.default_ping_status)),
    }  # fmt: skip
    wanted = params[3] if len(params) > 3 and isinstance(params[3], list) else list(values)
    return {
        name: {"desc": desc, "readonly": readonly, "value": value}
        for name, (desc, readonly, value) in values.items()
        if name in wanted
    }


@method("wp.getPostStatusList")
def get_post_status_list(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    _login(request, username, password)
    return STATUS_LIST


@method("mt.supportedMethods")
def supported_methods(request, *params):
    return sorted(METHODS)


# --- posts -----------------------------------------------------------------------------------


@method("wp.getPost")
def get_post(request, *params):
    _blog, username, password, post_id = _args(params, 4)[:4]
    user = _login(request, username, password)
    entry = _entry(post_id)
    if not capabilities.may_edit(user, entry):
        raise Fault(401, "Sorry, you are not allowed to edit this post.")
    return _post_struct(request, entry)


@method("wp.getPosts")
def get_posts(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    user = _login(request, username, password)
    query = _struct(params[3]) if len(params) > 3 else {}
    post_type = query.get("post_type", "post")
    if post_type not in (PostType.POST, PostType.PAGE):
        raise Fault(403, "Invalid post type.")
    if not capabilities.may_write(user, post_type):
        raise Fault(401, "Sorry, you are not allowed to edit posts in this post type.")
    entries = capabilities.editable(user, Post.objects.filter(post_type=post_type))
    if status := query.get("post_status"):
        entries = entries.filter(status__in=str(status).split(","))
    else:
        entries = entries.exclude(status=Status.TRASH)
    if words := query.get("s"):
        entries = entries.filter(title__icontains=str(words))
    order = "" if str(query.get("order", "DESC")).upper() == "ASC" else "-"
    field = {"post_title": "title", "post_modified": "updated_at", "ID": "pk"}.get(
        query.get("orderby"), "published_at"
    )
    entries = entries.order_by(f"{order}{field}", f"{order}pk")
    number = _id(query.get("number", 10), Fault(400, "Invalid number."))
    offset = _id(query.get("offset", 0), Fault(400, "Invalid offset."))
    entries = entries.select_related("author", "featured_image").prefetch_related(
        "categories", "tags"
    )
    return [_post_struct(request, entry) for entry in entries[offset : offset + number]]


@method("wp.newPost")
def new_post(request, *params):
    _blog, username, password, content = _args(params, 4)[:4]
    user = _login(request, username, password)
    content = _struct(content)
    post_type = content.get("post_type", "post")
    if post_type not in (PostType.POST, PostType.PAGE):
        raise Fault(403, "Invalid post type.")
    values = _wp_values(user, content)
    with transaction.atomic():
        entry = _writing(save_entry, user, values, post_type=post_type)
    return str(entry.pk)


@method("wp.editPost")
def edit_post(request, *params):
    _blog, username, password, post_id, content = _args(params, 5)[:5]
    user = _login(request, username, password)
    entry = _entry(post_id)
    values = _wp_values(user, _struct(content))
    with transaction.atomic():
        _writing(save_entry, user, values, entry=entry)
    return True


@method("wp.deletePost")
def delete_post(request, *params):
    _blog, username, password, post_id = _args(params, 4)[:4]
    user = _login(request, username, password)
    _writing(trash_entry, user, _entry(post_id))
    return True


@method("blogger.deletePost")
def blogger_delete_post(request, *params):
    _appkey, post_id, username, password = _args(params, 4)[:4]
    user = _login(request, username, password)
    _writing(trash_entry, user, _entry(post_id))
    return True


@method("metaWeblog.newPost")
def metaweblog_new_post(request, *params):
    _blog, username, password, struct = _args(params, 4)[:4]
    publish = bool(params[4]) if len(params) > 4 else False
    user = _login(request, username, password)
    struct = _struct(struct)
    post_type = struct.get("post_type", "post")
    if post_type not in (PostType.POST, PostType.PAGE):
        raise Fault(401, "Invalid post type.")
    values = _metaweblog_values(user, struct, publish)
    with transaction.atomic():
        entry = _writing(save_entry, user, values, post_type=post_type)
    return str(entry.pk)


@method("metaWeblog.editPost")
def metaweblog_edit_post(request, *params):
    post_id, username, password, struct = _args(params, 4)[:4]
    publish = bool(params[4]) if len(params) > 4 else False
    user = _login(request, username, password)
    entry = _entry(post_id)
    struct = _struct(struct)
    if "post_status" not in struct and not publish:
        struct = {**struct, "post_status": entry.status}
    with transaction.atomic():
        _writing(save_entry, user, _metaweblog_values(user, struct, publish), entry=entry)
    return True


@method("metaWeblog.getPost")
def metaweblog_get_post(request, *params):
    post_id, username, password = _args(params, 3)[:3]
    user = _login(request, username, password)
    entry = _entry(post_id)
    if not capabilities.may_edit(user, entry):
        raise Fault(401, "Sorry, you are not allowed to edit this post.")
    return _metaweblog_struct(request, entry)


@method("metaWeblog.getRecentPosts")
def metaweblog_get_recent_posts(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    number = _id(params[3], Fault(400, "Invalid number.")) if len(params) > 3 else 10
    user = _login(request, username, password)
    entries = capabilities.editable(user, Post.objects.posts().exclude(status=Status.TRASH))
    entries = entries.select_related("author").prefetch_related("categories", "tags")
    return [_metaweblog_struct(request, entry) for entry in entries[:number]]


@method("mt.publishPost")
def mt_publish_post(request, *params):
    post_id, username, password = _args(params, 3)[:3]
    user = _login(request, username, password)
    entry = _entry(post_id)
    with transaction.atomic():
        _writing(save_entry, user, {"status": Status.PUBLISH}, entry=entry)
    return True


@method("mt.getCategoryList")
def mt_get_category_list(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    _login(request, username, password)
    return [{"categoryId": str(c.pk), "categoryName": c.name} for c in Category.objects.all()]


@method("mt.setPostCategories")
def mt_set_post_categories(request, *params):
    post_id, username, password, categories = _args(params, 4)[:4]
    user = _login(request, username, password)
    entry = _entry(post_id)
    ids = [
        _id(_struct(item).get("categoryId"), Fault(403, "Invalid term ID."))
        for item in categories or []
    ]
    with transaction.atomic():
        _writing(save_entry, user, {"categories": ids}, entry=entry)
    return True


# --- terms -----------------------------------------------------------------------------------


def _taxonomy(name):
    if name not in TAXONOMIES:
        raise Fault(403, "Invalid taxonomy.")
    return TAXONOMIES[name]


@method("wp.getTerms")
def get_terms(request, *params):
    _blog, username, password, taxonomy = _args(params, 4)[:4]
    _login(request, username, password)
    model = _taxonomy(taxonomy)
    query = _struct(params[4]) if len(params) > 4 else {}
    terms = model.objects.all()
    if search := query.get("search"):
        terms = terms.filter(name__icontains=str(search))
    number = _id(query.get("number", 1000), Fault(400, "Invalid number."))
    offset = _id(query.get("offset", 0), Fault(400, "Invalid offset."))
    return [_term_struct(request, term) for term in terms[offset : offset + number]]


@method("wp.getTerm")
def get_term(request, *params):
    _blog, username, password, taxonomy, term_id = _args(params, 5)[:5]
    _login(request, username, password)
    model = _taxonomy(taxonomy)
    term = model.objects.filter(pk=_id(term_id, Fault(404, "Invalid term ID."))).first()
    if term is None:
        raise Fault(404, "Invalid term ID.")
    return _term_struct(request, term)


@method("wp.newTerm")
def new_term(request, *params):
    _blog, username, password, content = _args(params, 4)[:4]
    user = _login(request, username, password)
    content = _struct(content)
    model = _taxonomy(content.get("taxonomy"))
    if not user.has_perm(f"blog.add_{model._meta.model_name}"):
        raise Fault(401, "Sorry, you are not allowed to create terms in this taxonomy.")
    name = str(content.get("name", "")).strip()
    if not name:
        raise Fault(403, "The term name cannot be empty.")
    slug = str(content.get("slug") or "").strip() or _unique_slug(model, name)
    if model.objects.filter(slug=slug).exists():
        raise Fault(500, "A term with the name provided already exists.")
    fields = {"name": name[:200], "slug": slug[:200]}
    if model is Category:
        fields["description"] = str(content.get("description", ""))
        if parent := content.get("parent"):
            parent_id = _id(parent, Fault(403, "Parent term does not exist."))
            if not Category.objects.filter(pk=parent_id).exists():
                raise Fault(403, "Parent term does not exist.")
            fields["parent_id"] = parent_id
    return str(model.objects.create(**fields).pk)


# --- comments --------------------------------------------------------------------------------


def _comments():
    return django_comments.get_model().objects.filter(
        content_type=ContentType.objects.get_for_model(Post)
    )


def _may_moderate(user, post):
    return user.has_perm("comments.change_comment") and (
        capabilities.may_edit_others(user) or post.author_id == user.pk
    )


def _comment(comment_id, user):
    comment = _comments().filter(pk=_id(comment_id, Fault(404, "Invalid comment ID."))).first()
    if comment is None:
        raise Fault(404, "Invalid comment ID.")
    post = Post.objects.filter(pk=comment.object_pk).first()
    if post is None or not _may_moderate(user, post):
        raise Fault(403, "Sorry, you are not allowed to moderate or edit this comment.")
    return comment, post


@method("wp.getComment")
def get_comment(request, *params):
    _blog, username, password, comment_id = _args(params, 4)[:4]
    user = _login(request, username, password)
    comment, post = _comment(comment_id, user)
    return _comment_struct(request, comment, post)


@method("wp.getComments")
def get_comments(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    user = _login(request, username, password)
    if not user.has_perm("comments.change_comment"):
        raise Fault(401, "Sorry, you are not allowed to edit comments.")
    query = _struct(params[3]) if len(params) > 3 else {}
    posts = capabilities.editable(user, Post.objects.all())
    found = _comments().filter(object_pk__in=posts.as_comment_keys()).order_by("-submit_date")
    if post_id := query.get("post_id"):
        found = found.filter(object_pk=str(_id(post_id, Fault(404, "Invalid post ID."))))
    statuses = {value: key for key, value in WP_STATUS.items()}
    if status := query.get("status"):
        if status not in statuses:
            raise Fault(403, "Invalid comment status.")
        found = found.filter(state=statuses[status])
    number = _id(query.get("number", 10), Fault(400, "Invalid number."))
    offset = _id(query.get("offset", 0), Fault(400, "Invalid offset."))
    found = list(found[offset : offset + number])
    posts_by_pk = {str(p.pk): p for p in Post.objects.filter(pk__in={c.object_pk for c in found})}
    return [_comment_struct(request, c, posts_by_pk[c.object_pk]) for c in found]


@method("wp.newComment")
def new_comment(request, *params):
    _blog, username, password, post_id, content = _args(params, 5)[:5]
    request.user = _login(request, username, password)  # the comment is theirs
    post = Post.objects.published().filter(pk=_id(post_id, Fault(404, "Invalid post ID."))).first()
    if post is None:
        raise Fault(404, "Invalid post ID.")
    if not post.comments_open:
        raise Fault(403, "Sorry, comments are closed for this item.")
    content = _struct(content)
    text = str(content.get("content", "")).strip()
    if not text:
        raise Fault(403, "Comment is required.")
    parent = _id(content.get("comment_parent", 0) or 0, Fault(404, "Invalid comment ID."))
    if parent and not _comments().filter(pk=parent, object_pk=str(post.pk)).exists():
        raise Fault(404, "Invalid comment ID.")
    try:
        comment = save_comment(request, post, text, parent)
    except moderation.Rejected as error:
        raise Fault(403, str(error)) from error
    return comment.pk


@method("wp.editComment")
def edit_comment(request, *params):
    _blog, username, password, comment_id, content = _args(params, 5)[:5]
    user = _login(request, username, password)
    comment, _post = _comment(comment_id, user)
    content = _struct(content)
    statuses = {value: key for key, value in WP_STATUS.items()}
    if "status" in content:
        if content["status"] not in statuses:
            raise Fault(401, "Invalid comment status.")
        comment.state = statuses[content["status"]]
    for theirs, ours in (("content", "comment"), ("author", "user_name"),
                         ("author_url", "user_url"), ("author_email", "user_email")):  # fmt: skip
        if theirs in content:
            setattr(comment, ours, str(content[theirs]))
    if when := _date(content.get("date_created_gmt")):
        comment.submit_date = when.replace(tzinfo=datetime.UTC)
    comment.save()
    return True


@method("wp.deleteComment")
def delete_comment(request, *params):
    _blog, username, password, comment_id = _args(params, 4)[:4]
    user = _login(request, username, password)
    comment, _post = _comment(comment_id, user)
    comment.state = State.TRASH
    comment.save()
    return True


# --- media -----------------------------------------------------------------------------------


@method("wp.getMediaLibrary")
def get_media_library(request, *params):
    _blog, username, password = _args(params, 3)[:3]
    user = _login(request, username, password)
    if not user.has_perm("blog.add_media"):
        raise Fault(401, "Sorry, you are not allowed to upload files.")
    query = _struct(params[3]) if len(params) > 3 else {}
    items = Media.objects.all()
    if parent := query.get("parent_id"):
        items = items.filter(parent_id=_id(parent, Fault(404, "Invalid post ID.")))
    if mime := query.get("mime_type"):
        items = items.filter(mime_type__startswith=str(mime))
    number = _id(query.get("number", 10), Fault(400, "Invalid number."))
    offset = _id(query.get("offset", 0), Fault(400, "Invalid offset."))
    return [_media_struct(request, item) for item in items[offset : offset + number]]


def _upload(request, *params):
    _blog, username, password, data = _args(params, 4)[:4]
    user = _login(request, username, password)
    if not user.has_perm("blog.add_media"):
        raise Fault(401, "Sorry, you are not allowed to upload files.")
    data = _struct(data)
    name, bits = str(data.get("name", "")).strip(), data.get("bits")
    if not name or not isinstance(bits, Binary):
        raise Fault(500, "Could not write file: the name or the data is missing.")
    if len(bits.data) > settings.INKWELL_MAX_UPLOAD_BYTES:
        raise Fault(500, "Could not write file: it is larger than this site accepts.")
    item = Media(uploaded_by=user, title=name.rsplit(".", 1)[0][:255])
    if post_id := data.get("post_id"):
        item.parent = _entry(post_id)
    try:
        with transaction.atomic():
            media.store(item, ContentFile(bits.data, name=name))
            item.save()
    except (ValidationError, ValueError, OSError) as error:  # the upload checks' refusal
        reason = "; ".join(getattr(error, "messages", [str(error)]))
        raise Fault(500, f"Could not write file {name} ({reason}).") from error
    return _media_struct(request, item)


method("wp.uploadFile")(_upload)
method("metaWeblog.newMediaObject")(_upload)
