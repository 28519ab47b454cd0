"""Content: posts and pages, their taxonomy, media, view counts and the site's options.

One module an idea; everything is importable from `blog.models`, as migrations expect."""

from ..stats.models import PostViewDay, PostViews
from .choices import Discussion, PostType, Status
from .entries import (
    PASSWORD_COOKIE,
    PUBLISHED_STATUSES,
    Page,
    PageManager,
    Post,
    PostQuerySet,
    _default_comment_status,
    _default_ping_status,
    password_token,
)
from .import_jobs import ImportJob
from .library import Media, media_upload_path
from .old_addresses import OldSlug
from .options import WIDGETS, SiteOptions, validate_timezone, validate_widget_list
from .taxonomy import Category, Tag

__all__ = [
    "PASSWORD_COOKIE",
    "PUBLISHED_STATUSES",
    "WIDGETS",
    "Category",
    "Discussion",
    "ImportJob",
    "Media",
    "OldSlug",
    "Page",
    "PageManager",
    "Post",
    "PostQuerySet",
    "PostType",
    "PostViewDay",
    "PostViews",
    "SiteOptions",
    "Status",
    "Tag",
    "_default_comment_status",
    "_default_ping_status",
    "media_upload_path",
    "password_token",
    "validate_timezone",
    "validate_widget_list",
]
