"""Posts and pages: one table, as WordPress keeps them, and the one definition of what a
reader may see (`Post.objects.published()`)."""

import datetime
from urllib.parse import unquote

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import CharField, Exists, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..content import VisibleContent
from ..converters import parse_id
from ..freshness import content_version
from ..version_memo import read_through
from .choices import Discussion, PostType, Status
from .old_addresses import OldSlug
from .options import SiteOptions
from .taxonomy import Category, Tag


def _published():
    return Q(status__in=PUBLISHED_STATUSES, published_at__lte=timezone.now())


# A scheduled ("future") entry is published once its date has passed: no job flips it.
PUBLISHED_STATUSES = (Status.PUBLISH, Status.FUTURE)


def own_editable_statuses(user):
    """The statuses in which `user` may edit their own entries: None (any) with publish_posts,
    else draft and pending only (a Contributor's work ends at review)."""
    return None if user.has_perm("blog.publish_posts") else (Status.DRAFT, Status.PENDING)


class PostQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published posts, and scheduled ones whose time has come.

        Password-protected posts are included (they are listed, their content is gated)."""
        return self.filter(_published())

    def syndicated(self):
        """What feeds and sitemaps may list: published entries without a password."""
        return self.published().filter(password="")

    def readable_by(self, user):
        """Entries `user` may open, WordPress's rule: your own in any status; others' private
        ones with read_private_posts; others' unpublished ones (draft, pending, scheduled,
        trash) only with edit_others_posts; everyone: what is published."""
        if not user.is_authenticated:
            return self.published()
        others_private = user.has_perm("blog.read_private_posts")
        others_unpublished = user.has_perm("blog.edit_others_posts")
        if others_private and others_unpublished:
            return self.all()
        readable = _published() | Q(author=user)
        if others_private:
            readable |= Q(status=Status.PRIVATE)
        if others_unpublished:
            readable |= ~Q(status=Status.PRIVATE)
        return self.filter(readable)

    def editable_by(self, user):
        """Entries `user` may edit, WordPress's rule: others' with edit_others_posts; their
        own, and once published only with publish_posts (a Contributor's end at review)."""
        if not user.is_authenticated or not user.has_perm("blog.change_post"):
            return self.none()
        if user.has_perm("blog.edit_others_posts"):
            return self.all()
        own = self.filter(author=user)
        statuses = own_editable_statuses(user)
        return own if statuses is None else own.filter(status__in=statuses)

    def visible_to(self, user):
        """What lists show `user`: of the entries they may read, the published and private
        ones (drafts, pending, scheduled and trashed entries are opened, never listed)."""
        return self.readable_by(user).filter(_published() | Q(status=Status.PRIVATE))

    def at_permalink(self, year, month, day, slug):
        """The post of this queryset at /year/month/day/slug/ (the site's local date), or None
        (also for a date that does not exist)."""
        try:
            date = datetime.date(int(year), int(month), int(day))
        except (TypeError, ValueError, OverflowError):
            return None
        return self.posts().filter(published_at__date=date, slug=slug).first()

    def at_shortlink(self, number):
        """The entry `/?p=ID` or `/?page_id=ID` names, or None: an imported entry's WordPress ID
        first, then our own ID of an entry that has no WordPress ID and whose number no
        imported entry claims (the inverse of `Post.get_shortlink`)."""
        number = parse_id(str(number))
        if number is None:
            return None
        claimed = Post.objects.filter(wp_id=number)
        return self.filter(
            Q(wp_id=number) | Q(pk=number, wp_id__isnull=True) & ~Exists(claimed)
        ).first()

    def page_at(self, path):
        """The page of this queryset at `path` ("parent/child"), or None."""
        slugs = [slug for slug in path.strip("/").split("/") if slug]
        if not slugs:
            return None
        candidates = self.pages().filter(slug=slugs[-1]).select_related("author", "featured_image")
        for candidate in candidates:
            if candidate.page_path == "/".join(slugs):
                return candidate
        return None

    def posts(self):
        return self.filter(post_type=PostType.POST)

    def as_comment_keys(self):
        """These entries' keys as comments store them (object_pk is text), for `__in`."""
        return self.annotate(pk_text=Cast("pk", CharField())).values("pk_text")

    def pages(self):
        return self.filter(post_type=PostType.PAGE)


PASSWORD_COOKIE = "inkwell-postpass"
# What a permalink is made of: a change to any of them leaves an old address to redirect.
ADDRESS_FIELDS = frozenset({"post_type", "slug", "published_at", "parent_id", "status"})


def password_token(password):
    """What the reader's cookie holds for a post password: a keyed hash, never the password."""
    return salted_hmac("inkwell.post-password", password).hexdigest()


def _default_comment_status():
    return SiteOptions.get().default_comment_status


def _default_ping_status():
    return SiteOptions.get().default_ping_status


class Post(models.Model):
    """A post or a page: one table, as WordPress keeps them, told apart by `post_type`."""

    post_type = models.CharField(
        max_length=4,
        choices=PostType.choices,
        default=PostType.POST,
        db_index=True,
        verbose_name=_("post type"),
    )
    title = models.CharField(max_length=255, blank=True, verbose_name=_("title"))
    slug = models.SlugField(
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The last part of the permalink; made from the title when left empty, "
            "and kept unique among posts of the same day."
        ),
        verbose_name=_("slug"),
    )
    body = models.TextField(
        blank=True,
        help_text=_(
            "&lt;!--more--&gt; ends the teaser shown in lists; &lt;!--nextpage--&gt; "
            "splits the post into pages."
        ),
        verbose_name=_("body"),
    )
    excerpt = models.TextField(
        blank=True, help_text=_("Shown in lists and feeds; optional."), verbose_name=_("excerpt")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("author"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    published_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        db_index=True,
        help_text=_("A published post dated in the future is scheduled: readers see it from then."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    comment_status = models.CharField(
        _("comments"), max_length=6, choices=Discussion.choices, default=_default_comment_status
    )
    ping_status = models.CharField(
        _("pingbacks and trackbacks"),
        max_length=6,
        choices=Discussion.choices,
        default=_default_ping_status,
    )
    is_sticky = models.BooleanField(
        _("stick to the top of the blog"),
        default=False,
        help_text=_("Sticky posts come first on the home page."),
    )
    source_url = models.URLField(
        _("source URL"),
        max_length=500,
        blank=True,
        help_text=_("The original article, for a repost."),
    )
    source_name = models.CharField(_("source name"), max_length=200, blank=True)
    password = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Readers must enter it to see the content; the title stays listed."),
        verbose_name=_("password"),
    )
    trashed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("trashed at")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        limit_choices_to={"post_type": "page"},
        help_text=_("Pages only: the page this one sits under (/parent/child/)."),
        verbose_name=_("parent"),
    )
    menu_order = models.IntegerField(_("order"), default=0, help_text=_("Pages only."))
    wp_id = models.PositiveBigIntegerField(
        _("WordPress ID"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The ID this entry had on WordPress: /?p=ID keeps working."),
    )
    legacy_path = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("Where this entry lived on the old site; that address redirects here."),
        verbose_name=_("legacy path"),
    )
    featured_image = models.ForeignKey(
        "blog.Media",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"mime_type__startswith": "image/"},
        verbose_name=_("featured image"),
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="posts", verbose_name=_("categories")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    # Kept current after commit by blog.search; only PostgreSQL fills and indexes it.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_posts", "Can publish posts and pages"),
            ("edit_others_posts", "Can edit posts and pages of others"),
            ("read_private_posts", "Can read private posts and pages"),
            ("unfiltered_html", "Can save any HTML (no sanitising)"),
            ("edit_pages", "Can write and edit pages"),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            GinIndex(fields=["search_vector"], name="blog_post_search_gin"),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISH and self.published_at > timezone.now():
            self.status = Status.FUTURE
        elif self.status == Status.FUTURE and self.published_at <= timezone.now():
            self.status = Status.PUBLISH  # saved once due: it is simply published
        if self.status == Status.TRASH and not self.trashed_at:
            self.trashed_at = timezone.now()
        elif self.status != Status.TRASH:
            self.trashed_at = None
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:190] or str(self.post_type)
        self.slug = self._unique_slug(self.slug)
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self._keep_old_address()
        self._saved_address = self._address()

    def get_absolute_url(self):
        if self.post_type == PostType.PAGE:
            return reverse("page", args=[f"{self.page_path}/"])
        day = timezone.localdate(self.published_at)
        return reverse(
            "blog:post",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    @property
    def page_path(self):
        """A page's slugs from the top: parent/child."""
        slugs, page, seen = [], self, set()
        while page is not None and page.pk not in seen:
            seen.add(page.pk)
            slugs.append(page.slug)
            page = page.parent
        return "/".join(reversed(slugs))

    @property
    def display_title(self):
        return self.title or gettext("(no title)")

    @property
    def reader_title(self):
        """The title as WordPress shows it: "Private: " and "Protected: " prefixes."""
        if self.status == Status.PRIVATE:
            return gettext("Private: %(title)s") % {"title": self.display_title}
        if self.password:
            return gettext("Protected: %(title)s") % {"title": self.display_title}
        return self.display_title

    def _unique_slug(self, slug):
        """Posts: unique among posts of the same day. Pages: unique among their siblings."""
        if self.post_type == PostType.PAGE:
            same_place = Post.objects.pages().filter(parent_id=self.parent_id)
        else:
            # The day as a range, with the type checked on that day's rows only: so the
            # published_at index answers (published_at__date, or the type in the query, made
            # SQLite scan every post; an import saves thousands of posts, each asking this).
            day = timezone.localdate(self.published_at)
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
            same_place = Post.objects.filter(published_at__gte=start)
            if day < datetime.date.max:  # the last day of the calendar has no next one
                end = day + datetime.timedelta(days=1)
                end = timezone.make_aware(datetime.datetime.combine(end, datetime.time.min))
                same_place = same_place.filter(published_at__lt=end)
        rows = (
            same_place.filter(slug__startswith=slug)
            .exclude(pk=self.pk)
            .order_by()
            .values_list("slug", "post_type")
        )
        taken = {taken_slug for taken_slug, kind in rows if kind == self.post_type}
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        if ADDRESS_FIELDS.issubset(field_names):
            entry._saved_address = entry._address()
        return entry

    def _address(self):
        return {name: getattr(self, name) for name in ADDRESS_FIELDS}

    def _keep_old_address(self):
        """A published entry whose permalink changed keeps answering at the old one."""
        before = getattr(self, "_saved_address", None)
        if not before or before["status"] not in (Status.PUBLISH, Status.FUTURE, Status.PRIVATE):
            return
        if before == self._address():
            return
        previous = Post(pk=self.pk, **before)
        old_path = unquote(previous.get_absolute_url())
        if old_path != unquote(self.get_absolute_url()):
            OldSlug.objects.get_or_create(entry=self, slug=previous.slug, path=old_path)

    @property
    def comments_feed_url(self):
        return f"{self.get_absolute_url()}feed/"

    @property
    def trackback_url(self):
        return f"{self.get_absolute_url()}trackback/"

    def get_shortlink(self):
        """/?p=ID (or ?page_id=): the WordPress ID for imported entries, else our own —
        unless an imported entry already answers to our number, then the permalink
        (`PostQuerySet.at_shortlink` reads it back)."""
        parameter = "page_id" if self.post_type == PostType.PAGE else "p"
        if self.wp_id:
            return f"/?{parameter}={self.wp_id}"
        taken = read_through(
            f"inkwell:wp-id-taken:{self.pk}:{content_version()}",
            lambda: Post.objects.filter(wp_id=self.pk).exists(),
            86400,
        )
        if taken:
            return self.get_absolute_url()
        return f"/?{parameter}={self.pk}"

    def is_editable_by(self, user):
        """This entry is among `Post.objects.editable_by(user)` (the same rule, no query)."""
        if not user.is_authenticated or not user.has_perm("blog.change_post"):
            return False
        if user.has_perm("blog.edit_others_posts"):
            return True
        statuses = own_editable_statuses(user)
        return self.author_id == user.pk and (statuses is None or self.status in statuses)

    def password_unlocked(self, request):
        """True when the post has no password or the reader entered it (a signed cookie)."""
        if not self.password:
            return True
        return request.get_signed_cookie(
            PASSWORD_COOKIE, default=None, salt=PASSWORD_COOKIE
        ) == password_token(self.password)

    def visible_content(self, request=None, user=None, password=None):
        """What of this entry a reader may see, the one rule every output follows: all of it,
        unless a password protects it and the reader neither gave it (`request`'s cookie, or
        `password` as the APIs take it) nor edits the entry (`user`, for exports and the APIs:
        its author, or anyone with edit_others_posts). With none of these, only an entry
        without a password shows its content."""
        unlocked = not self.password or (request is not None and self.password_unlocked(request))
        if not unlocked and password is not None:
            unlocked = constant_time_compare(password, self.password)
        if not unlocked and user is not None and user.is_authenticated:
            unlocked = user.pk == self.author_id or user.has_perm("blog.edit_others_posts")
        if not unlocked:
            return VisibleContent(unlocked=False)
        return VisibleContent(unlocked=True, body=self.body, excerpt=self.excerpt)

    @property
    def is_published(self):
        return self.status in PUBLISHED_STATUSES and self.published_at <= timezone.now()

    @property
    def comments_open(self):
        return self.comment_status == Discussion.OPEN and not self._closed_for_age()

    @property
    def pings_open(self):
        return self.ping_status == Discussion.OPEN and not self._closed_for_age()

    def _closed_for_age(self):
        closes = self.discussion_closes_at()
        return closes is not None and timezone.now() >= closes

    def discussion_closes_at(self):
        """When WordPress's "automatically close comments on posts older than N days" closes
        this entry's comments and pings, or None (a page kept before then is stale after)."""
        options = SiteOptions.get()
        if not options.close_comments_for_old_posts or self.published_at is None:
            return None
        return self.published_at + datetime.timedelta(days=options.close_comments_days_old)


class PageManager(models.Manager.from_queryset(PostQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(post_type=PostType.PAGE)


class Page(Post):
    """Pages, as the admin lists them: the same table as posts."""

    objects = PageManager()

    class Meta:
        proxy = True
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def save(self, *args, **kwargs):
        self.post_type = PostType.PAGE
        super().save(*args, **kwargs)
