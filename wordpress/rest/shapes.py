"""Inkwell's records in WordPress's REST shapes (WordPress 6.x field names and nesting)."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from blog.content import render_post_body, render_teaser
from blog.models import Category, Media, PostType, Status, Tag
from comments.markup import render_comment_text

# WordPress's status names for ours, where they differ.
POST_STATUS = {Status.FUTURE: "future", Status.PUBLISH: "publish"}


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None).isoformat(timespec="seconds")


def gmt(moment):
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


class Shaper:
    """Builds the shapes for one request: absolute links to this host, the context asked for."""

    def __init__(self, request, context="view"):
        self.request, self.context = request, context

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def route(self, route):
        return self.absolute(reverse("wordpress:rest", args=[route]))

    # --- entries ---------------------------------------------------------------------------

    def entry(self, entry, password=None):
        kind = "page" if entry.post_type == PostType.PAGE else "post"
        collection = "pages" if kind == "page" else "posts"
        protected = bool(entry.password)
        visible = entry.visible_content(user=self.request.user, password=password)
        unlocked = visible.unlocked
        if not unlocked:
            excerpt = ""
        elif visible.excerpt:
            excerpt = render_post_body(visible.excerpt)
        else:
            excerpt = render_teaser(visible.body)[0]
        data = {
            "id": entry.pk,
            "date": local(entry.published_at),
            "date_gmt": gmt(entry.published_at),
            "guid": {"rendered": self.absolute(entry.get_shortlink())},
            "modified": local(entry.updated_at),
            "modified_gmt": gmt(entry.updated_at),
            "slug": entry.slug,
            "status": POST_STATUS.get(entry.status, entry.status),
            "type": kind,
            "link": self.absolute(entry.get_absolute_url()),
            "title": {"rendered": entry.title},
            "content": {
                "rendered": render_post_body(visible.body, entry.pk) if unlocked else "",
                "protected": protected,
            },
            "excerpt": {"rendered": excerpt, "protected": protected},
            "author": entry.author_id,
            "featured_media": entry.featured_image_id or 0,
            "comment_status": entry.comment_status,
            "ping_status": entry.ping_status,
            "template": "",
            "meta": [],
        }
        if kind == "post":
            data["sticky"] = entry.is_sticky
            data["format"] = "standard"
            data["categories"] = [c.pk for c in entry.categories.all()]
            data["tags"] = [t.pk for t in entry.tags.all()]
        else:
            data["parent"] = entry.parent_id or 0
            data["menu_order"] = entry.menu_order
        if self.context == "edit":
            data["title"]["raw"] = entry.title
            data["content"]["raw"] = entry.body
            data["excerpt"]["raw"] = entry.excerpt
            data["password"] = entry.password
        elif self.context == "embed":
            keep = ("id", "date", "slug", "type", "link", "title", "excerpt", "author")
            data = {key: data[key] for key in keep} | {"featured_media": data["featured_media"]}
        data["_links"] = self._entry_links(entry, collection)
        return data

    def _entry_links(self, entry, collection):
        links = {
            "self": [{"href": self.route(f"wp/v2/{collection}/{entry.pk}")}],
            "collection": [{"href": self.route(f"wp/v2/{collection}")}],
            "about": [{"href": self.route(f"wp/v2/types/{entry.post_type}")}],
            "author": [{"embeddable": True, "href": self.route(f"wp/v2/users/{entry.author_id}")}],
            "replies": [
                {"embeddable": True, "href": self.route("wp/v2/comments") + f"?post={entry.pk}"}
            ],
        }
        if entry.featured_image_id:
            links["wp:featuredmedia"] = [
                {"embeddable": True, "href": self.route(f"wp/v2/media/{entry.featured_image_id}")}
            ]
        if entry.post_type == PostType.POST:
            links["wp:term"] = [
                {
                    "taxonomy": taxonomy,
                    "embeddable": True,
                    "href": self.route(f"wp/v2/{route}") + f"?post={entry.pk}",
                }
                for taxonomy, route in (("category", "categories"), ("post_tag", "tags"))
            ]
        return links

    # --- taxonomy --------------------------------------------------------------------------

    def term(self, term):
        is_category = isinstance(term, Category)
        route = "categories" if is_category else "tags"
        data = {
            "id": term.pk,
            "count": getattr(term, "published_count", 0),
            "description": getattr(term, "description", ""),
            "link": self.absolute(term.get_absolute_url()),
            "name": term.name,
            "slug": term.slug,
            "taxonomy": "category" if is_category else "post_tag",
        }
        if is_category:
            data["parent"] = term.parent_id or 0
        data["meta"] = []
        if self.context == "embed":
            data = {k: data[k] for k in ("id", "link", "name", "slug", "taxonomy")}
        data["_links"] = {
            "self": [{"href": self.route(f"wp/v2/{route}/{term.pk}")}],
            "collection": [{"href": self.route(f"wp/v2/{route}")}],
            "about": [{"href": self.route(f"wp/v2/taxonomies/{data['taxonomy']}")}],
            "wp:post_type": [{"href": self.route("wp/v2/posts") + f"?{route}={term.pk}"}],
        }
        return data

    # --- people ----------------------------------------------------------------------------

    def user(self, user):
        data = {
            "id": user.pk,
            "name": user.get_full_name() or user.get_username(),
            "url": "",
            "description": "",
            "link": self.absolute(reverse("blog:author", args=[user.get_username()])),
            "slug": user.get_username(),
            "avatar_urls": {},
            "meta": [],
        }
        if self.context == "edit":
            data |= {
                "username": user.get_username(),
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "registered_date": user.date_joined.isoformat(),
            }
        data["_links"] = {
            "self": [{"href": self.route(f"wp/v2/users/{user.pk}")}],
            "collection": [{"href": self.route("wp/v2/users")}],
        }
        return data

    def comment(self, comment):
        data = {
            "id": comment.pk,
            "post": int(comment.object_pk),
            "parent": 0 if comment.parent_id == comment.pk else comment.parent_id,
            "author": comment.user_id or 0,
            "author_name": comment.user_name,
            "author_url": comment.user_url,
            "date": local(comment.submit_date),
            "date_gmt": gmt(comment.submit_date),
            "content": {"rendered": render_comment_text(comment.comment)},
            "link": self.absolute(f"/?p={comment.object_pk}") + f"#comment-{comment.pk}",
            "status": "approved",
            "type": comment.kind,
            "author_avatar_urls": {},
            "meta": [],
        }
        if self.context == "embed":
            keep = ("id", "parent", "author", "author_name", "author_url", "date", "content")
            data = {k: data[k] for k in keep} | {"link": data["link"], "type": data["type"]}
        data["_links"] = {
            "self": [{"href": self.route(f"wp/v2/comments/{comment.pk}")}],
            "collection": [{"href": self.route("wp/v2/comments")}],
            "up": [
                {
                    "embeddable": True,
                    "post_type": "post",
                    "href": self.route(f"wp/v2/posts/{comment.object_pk}"),
                }
            ],
        }
        return data

    # --- media -----------------------------------------------------------------------------

    def media(self, item):
        data = {
            "id": item.pk,
            "date": local(item.uploaded_at),
            "date_gmt": gmt(item.uploaded_at),
            "guid": {"rendered": self.absolute(item.url)},
            "modified": local(item.uploaded_at),
            "modified_gmt": gmt(item.uploaded_at),
            "slug": str(item.pk),
            "status": "inherit",
            "type": "attachment",
            "link": self.absolute(item.url),
            "title": {"rendered": item.title or str(item)},
            "author": item.uploaded_by_id or 0,
            "comment_status": "closed",
            "ping_status": "closed",
            "template": "",
            "meta": [],
            "description": {"rendered": ""},
            "caption": {"rendered": item.caption},
            "alt_text": item.alt_text,
            "media_type": "image" if item.is_image else "file",
            "mime_type": item.mime_type,
            "media_details": self._media_details(item),
            "post": item.parent_id,
            "source_url": self.absolute(item.url),
        }
        data["_links"] = {
            "self": [{"href": self.route(f"wp/v2/media/{item.pk}")}],
            "collection": [{"href": self.route("wp/v2/media")}],
            "about": [{"href": self.route("wp/v2/types/attachment")}],
        }
        return data

    def _media_details(self, item):
        if not item.is_image:
            return {"filesize": item.file_size}
        sizes = {
            name: {
                "file": size["file"].rsplit("/", 1)[-1],
                "width": size["width"],
                "height": size.get("height"),
                "mime_type": item.mime_type,
                "source_url": self.absolute(item.size_url(name)),
            }
            for name, size in (item.sizes or {}).items()
        }
        sizes["full"] = {
            "file": str(item).rsplit("/", 1)[-1],
            "width": item.width,
            "height": item.height,
            "mime_type": item.mime_type,
            "source_url": self.absolute(item.url),
        }
        return {
            "width": item.width,
            "height": item.height,
            "file": item.file.name if item.file else "",
            "filesize": item.file_size,
            "sizes": sizes,
        }


def model_for(route):
    return {"categories": Category, "tags": Tag, "media": Media, "users": get_user_model()}[route]
