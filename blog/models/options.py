"""The site's options: one row, edited in the admin under Settings."""

import time
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .. import freshness, request_memo
from .choices import Discussion

WIDGETS = [
    "search",
    "recent_posts",
    "recent_comments",
    "archives",
    "categories",
    "tag_cloud",
    "most_viewed",
]


def validate_widget_list(value):
    unknown = [name for name in value.split(",") if name.strip() not in WIDGETS]
    if unknown:
        raise ValidationError(
            _("Unknown widgets: %(unknown)s. Known: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(WIDGETS)}
        )


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("Unknown time zone %(name)r; use a name like Europe/Paris.") % {"name": value}
        ) from error


class SiteOptions(models.Model):
    """The site's options, one row, edited in the admin under Settings."""

    title = models.CharField(max_length=200, default="Inkwell", verbose_name=_("title"))
    tagline = models.CharField(
        max_length=300, blank=True, default="Just another Inkwell blog", verbose_name=_("tagline")
    )
    site_language = models.CharField(
        _("site language"),
        max_length=15,
        blank=True,
        default="",
        help_text=_("The language readers and editors see. Blank: the server's LANGUAGE_CODE."),
    )
    theme = models.CharField(
        max_length=50,
        default="classic",
        help_text=_("Folder under templates/themes/. Templates the theme lacks come from classic."),
        verbose_name=_("theme"),
    )
    footer_credit = models.CharField(
        _("footer credit line"),
        max_length=300,
        blank=True,
        default="Classic theme, after Kubrick by Michael Heilemann.",
    )
    default_comment_status = models.CharField(
        _("allow people to submit comments on new posts"),
        max_length=6,
        choices=Discussion.choices,
        default=Discussion.OPEN,
    )
    default_ping_status = models.CharField(
        _("allow link notifications from other blogs (pingbacks and trackbacks) on new posts"),
        max_length=6,
        choices=Discussion.choices,
        default=Discussion.OPEN,
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_(
            "A city in the same time zone as you, e.g. Europe/Paris. Permalink dates follow it."
        ),
        verbose_name=_("timezone"),
    )
    date_format = models.CharField(
        max_length=40,
        default="F j, Y",
        help_text=_("Django date format, as WordPress's: F j, Y → November 25, 2026."),
        verbose_name=_("date format"),
    )
    time_format = models.CharField(
        max_length=40,
        default="g:i a",
        help_text=_("g:i a → 1:05 p.m.; H:i → 13:05."),
        verbose_name=_("time format"),
    )

    # Reading, with WordPress's defaults (Settings → Reading).
    show_on_front = models.CharField(
        _("your homepage displays"),
        max_length=5,
        default="posts",
        choices=[("posts", _("Your latest posts")), ("page", _("A static page"))],
    )
    page_on_front = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"post_type": "page"},
        verbose_name=_("homepage"),
    )
    admin_email = models.EmailField(
        "administration email address",
        blank=True,
        help_text="Where the site writes about moderation and other matters of running it. "
        "Empty: the first administrator's e-mail address.",
    )
    site_icon = models.ForeignKey(
        "blog.Media",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"mime_type__startswith": "image/"},
        help_text="The icon browsers show in tabs and bookmarks (/favicon.ico); a square "
        "image of at least 512 × 512 pixels works best.",
    )
    xmlrpc_account_passwords = models.BooleanField(
        "account passwords over XML-RPC",
        default=True,
        help_text="Let desktop editors and scripts sign in to XML-RPC with an account's own "
        "password, as WordPress does. Off: only application passwords are accepted.",
    )
    old_permalink_structure = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "The permalink structure of the WordPress site this one replaced, e.g. "
            "/%postname%/ or /archives/%post_id%: its URLs redirect to the new ones."
        ),
        verbose_name=_("old permalink structure"),
    )
    page_for_posts = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"post_type": "page"},
        verbose_name=_("posts page"),
        help_text=_("With a static homepage: the page that lists the posts."),
    )
    posts_per_page = models.PositiveSmallIntegerField(
        _("blog pages show at most"), default=10, validators=[MinValueValidator(1)]
    )
    posts_per_rss = models.PositiveSmallIntegerField(
        _("syndication feeds show the most recent"), default=10, validators=[MinValueValidator(1)]
    )
    rss_use_excerpt = models.BooleanField(
        _("for each post in a feed, include only the excerpt"),
        default=False,
        help_text=_("Off: the full text."),
    )
    sidebar_widgets = models.CharField(
        max_length=200,
        default="search,recent_posts,recent_comments,archives,categories",
        help_text=_(
            "Comma-separated, in order, from: search, recent_posts, recent_comments, "
            "archives, categories, tag_cloud, most_viewed."
        ),
        validators=[validate_widget_list],
        verbose_name=_("sidebar widgets"),
    )

    # Discussion, with WordPress's defaults (Settings → Discussion).
    require_name_email = models.BooleanField(
        _("comment author must fill out name and email"), default=True
    )
    comment_moderation = models.BooleanField(_("comment must be manually approved"), default=False)
    comment_previously_approved = models.BooleanField(
        _("comment author must have a previously approved comment"),
        default=True,
        help_text=_("Pingbacks and trackbacks are always held while this is on, as in WordPress."),
    )
    comment_max_links = models.PositiveSmallIntegerField(
        _("hold a comment in the queue if it contains this many links or more"), default=2
    )
    moderation_keys = models.TextField(
        _("comment moderation"),
        blank=True,
        help_text=_(
            "One word, name, e-mail, URL or IP per line. A comment whose author, e-mail, "
            "URL, text, IP or browser contains one (case-insensitive) is held for moderation."
        ),
    )
    disallowed_keys = models.TextField(
        _("disallowed comment keys"),
        blank=True,
        help_text=_("Same matching as above; a matching comment goes straight to the trash."),
    )
    close_comments_for_old_posts = models.BooleanField(
        _("automatically close comments on old posts"), default=False
    )
    close_comments_days_old = models.PositiveSmallIntegerField(
        _("close comments on posts older than (days)"), default=14
    )
    thread_comments = models.BooleanField(_("enable threaded (nested) comments"), default=True)
    thread_comments_depth = models.PositiveSmallIntegerField(
        _("threaded comments levels deep"),
        default=5,
        choices=[(n, str(n)) for n in range(2, 11)],
        help_text=_("Replies deeper than this are shown at the deepest level."),
    )
    page_comments = models.BooleanField(_("break comments into pages"), default=False)
    comments_per_page = models.PositiveSmallIntegerField(
        _("top level comments per page"), default=50
    )
    default_comments_page = models.CharField(
        _("page displayed by default"),
        max_length=6,
        default="newest",
        choices=[("newest", _("last page")), ("oldest", _("first page"))],
    )
    comment_order = models.CharField(
        _("comments at the top of each page"),
        max_length=4,
        default="asc",
        choices=[("asc", _("older")), ("desc", _("newer"))],
    )
    comments_notify = models.BooleanField(
        _("e-mail the post author when anyone posts a comment"), default=True
    )
    moderation_notify = models.BooleanField(
        _("e-mail the moderators when a comment is held for moderation"), default=True
    )
    show_avatars = models.BooleanField(
        _("show Gravatar avatars"),
        default=False,
        help_text=_(
            "Off: each commenter gets a local initial badge and no reader's browser "
            "contacts gravatar.com. On: Gravatar images (identicon for unknown addresses)."
        ),
    )

    CACHE_KEY = "inkwell:site-options"
    VERSION_KEY = "inkwell:site-options:version"

    class Meta:
        verbose_name = verbose_name_plural = _("Settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        # The shared copy goes now, and its version changes once the change is committed: a
        # copy another process cached from the row as it was before the commit is never used.
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(SiteOptions._committed, using=kwargs.get("using"))
        memo = request_memo.current()
        if memo is not None:
            memo.pop("options", None)

    def administration_email(self):
        """The Administration Email Address, or the first superuser's e-mail, or ""."""
        if self.admin_email:
            return self.admin_email
        from django.contrib.auth import get_user_model

        first = (
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .exclude(email="")
            .order_by("pk")
            .first()
        )
        return first.email if first else ""

    @classmethod
    def changed(cls):
        cache.set(cls.VERSION_KEY, time.time_ns(), None)

    @classmethod
    def _committed(cls):
        cls.changed()
        # The content version moved on at save (blog/signals.py), but a reader between that
        # and the line above read the old options under the new version: move it again.
        freshness.content_changed()

    @property
    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def widget_names(self):
        return [name.strip() for name in self.sidebar_widgets.split(",") if name.strip()]

    @classmethod
    def get(cls):
        """The options: once a request from the cache shared by every process (one round trip
        for the copy and its version), then from the request's memo
        (blog/request_memo.py)."""
        memo = request_memo.current()
        if memo is not None and "options" in memo:
            return memo["options"]
        # The content version, which nearly every request reads next, in the same trip.
        found = cache.get_many([cls.CACHE_KEY, cls.VERSION_KEY, *freshness.VERSION_KEYS])
        freshness.read_ahead(found)
        version = found.get(cls.VERSION_KEY)
        cached = found.get(cls.CACHE_KEY)
        if cached is not None and cached[0] == version:
            options = cached[1]
        else:
            options, _ = cls.objects.get_or_create(pk=1)
            freshness.options_fingerprint(options)  # kept with the copy, not made per request
            cache.set(cls.CACHE_KEY, (version, options), 300)
        if memo is not None:
            memo["options"] = options
        return options

    @property
    def comment_depth(self):
        """How deep replies nest on the page: 1 (flat) when threading is off."""
        return self.thread_comments_depth if self.thread_comments else 1
