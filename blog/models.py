"""Content: posts, their taxonomy, their view counts and the site's options."""

import zoneinfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    FUTURE = "future", "Scheduled"
    PUBLISH = "publish", "Published"
    PRIVATE = "private", "Private"
    TRASH = "trash", "Trash"


class PostType(models.TextChoices):
    POST = "post", "Post"
    PAGE = "page", "Page"


class Discussion(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


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
            f"Unknown widgets: {', '.join(unknown)}. Known: {', '.join(WIDGETS)}."
        )


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            f"Unknown time zone {value!r}; use a name like Europe/Paris."
        ) from error


class SiteOptions(models.Model):
    """The site's options, one row, edited in the admin under Settings."""

    title = models.CharField(max_length=200, default="Inkwell")
    tagline = models.CharField(max_length=300, blank=True, default="Just another Inkwell blog")
    theme = models.CharField(
        max_length=50,
        default="classic",
        help_text="Folder under templates/themes/. Templates the theme lacks come from classic.",
    )
    footer_credit = models.CharField(
        "footer credit line",
        max_length=300,
        blank=True,
        default="Classic theme, after Kubrick by Michael Heilemann.",
    )
    default_comment_status = models.CharField(
        "allow people to submit comments on new posts",
        max_length=6,
        choices=Discussion.choices,
        default=Discussion.OPEN,
    )
    default_ping_status = models.CharField(
        "allow link notifications from other blogs (pingbacks and trackbacks) on new posts",
        max_length=6,
        choices=Discussion.choices,
        default=Discussion.OPEN,
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="A city in the same time zone as you, e.g. Europe/Paris. Permalink dates "
        "follow it.",
    )
    date_format = models.CharField(
        max_length=40,
        default="F j, Y",
        help_text="Django date format, as WordPress's: F j, Y → November 25, 2026.",
    )
    time_format = models.CharField(
        max_length=40, default="g:i a", help_text="g:i a → 1:05 p.m.; H:i → 13:05."
    )

    # Reading, with WordPress's defaults (Settings → Reading).
    show_on_front = models.CharField(
        "your homepage displays",
        max_length=5,
        default="posts",
        choices=[("posts", "Your latest posts"), ("page", "A static page")],
    )
    page_on_front = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"post_type": "page"},
        verbose_name="homepage",
    )
    old_permalink_structure = models.CharField(
        max_length=200,
        blank=True,
        help_text="The permalink structure of the WordPress site this one replaced, e.g. "
        "/%postname%/ or /archives/%post_id%: its URLs redirect to the new ones.",
    )
    page_for_posts = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"post_type": "page"},
        verbose_name="posts page",
        help_text="With a static homepage: the page that lists the posts.",
    )
    posts_per_page = models.PositiveSmallIntegerField(
        "blog pages show at most", default=10, validators=[MinValueValidator(1)]
    )
    posts_per_rss = models.PositiveSmallIntegerField(
        "syndication feeds show the most recent", default=10, validators=[MinValueValidator(1)]
    )
    rss_use_excerpt = models.BooleanField(
        "for each post in a feed, include only the excerpt",
        default=False,
        help_text="Off: the full text.",
    )
    sidebar_widgets = models.CharField(
        max_length=200,
        default="search,recent_posts,recent_comments,archives,categories",
        help_text="Comma-separated, in order, from: search, recent_posts, recent_comments, "
        "archives, categories, tag_cloud, most_viewed.",
        validators=[validate_widget_list],
    )

    # Discussion, with WordPress's defaults (Settings → Discussion).
    require_name_email = models.BooleanField(
        "comment author must fill out name and email", default=True
    )
    comment_moderation = models.BooleanField("comment must be manually approved", default=False)
    comment_previously_approved = models.BooleanField(
        "comment author must have a previously approved comment",
        default=True,
        help_text="Pingbacks and trackbacks are always held while this is on, as in WordPress.",
    )
    comment_max_links = models.PositiveSmallIntegerField(
        "hold a comment in the queue if it contains this many links or more", default=2
    )
    moderation_keys = models.TextField(
        "comment moderation",
        blank=True,
        help_text="One word, name, e-mail, URL or IP per line. A comment whose author, e-mail, "
        "URL, text, IP or browser contains one (case-insensitive) is held for moderation.",
    )
    disallowed_keys = models.TextField(
        "disallowed comment keys",
        blank=True,
        help_text="Same matching as above; a matching comment goes straight to the trash.",
    )
    close_comments_for_old_posts = models.BooleanField(
        "automatically close comments on old posts", default=False
    )
    close_comments_days_old = models.PositiveSmallIntegerField(
        "close comments on posts older than (days)", default=14
    )
    thread_comments = models.BooleanField("enable threaded (nested) comments", default=True)
    thread_comments_depth = models.PositiveSmallIntegerField(
        "threaded comments levels deep",
        default=5,
        choices=[(n, str(n)) for n in range(2, 11)],
        help_text="Replies deeper than this are shown at the deepest level.",
    )
    page_comments = models.BooleanField("break comments into pages", default=False)
    comments_per_page = models.PositiveSmallIntegerField("top level comments per page", default=50)
    default_comments_page = models.CharField(
        "page displayed by default",
        max_length=6,
        default="newest",
        choices=[("newest", "last page"), ("oldest", "first page")],
    )
    comment_order = models.CharField(
        "comments at the top of each page",
        max_length=4,
        default="asc",
        choices=[("asc", "older"), ("desc", "newer")],
    )
    comments_notify = models.BooleanField(
        "e-mail the post author when anyone posts a comment", default=True
    )
    moderation_notify = models.BooleanField(
        "e-mail the moderators when a comment is held for moderation", default=True
    )
    show_avatars = models.BooleanField(
        "show Gravatar avatars",
        default=False,
        help_text="Off: each commenter gets a local initial badge and no reader's browser "
        "contacts gravatar.com. On: Gravatar images (identicon for unknown addresses).",
    )

    CACHE_KEY = "inkwell:site-options"

    class Meta:
        verbose_name = verbose_name_plural = "Settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

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
        options = cache.get(cls.CACHE_KEY)
        if options is None:
            options, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, options, 300)
        return options

    @property
    def comment_depth(self):
        """How deep replies nest on the page: 1 (flat) when threading is off."""
        return self.thread_comments_depth if self.thread_comments else 1


class Category(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})

    def with_descendants(self):
        """This category and all below it: a category archive lists sub-categories' posts."""
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        found, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = {pk for pk, parent in parents.items() if parent in frontier} - found
            found |= frontier
        return found


class Tag(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published posts, and scheduled ones whose time has come.

        Password-protected posts are included (they are listed, their content is gated)."""
        return self.filter(
            status__in=[Status.PUBLISH, Status.FUTURE], published_at__lte=timezone.now()
        )

    def visible_to(self, user):
        """Published entries, plus private ones for users who may read them."""
        if user.has_perm("blog.read_private_posts"):
            return self.filter(Q(pk__in=self.published().values("pk")) | Q(status=Status.PRIVATE))
        return self.published()

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

    def pages(self):
        return self.filter(post_type=PostType.PAGE)


PASSWORD_COOKIE = "inkwell-postpass"


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
        max_length=4, choices=PostType.choices, default=PostType.POST, db_index=True
    )
    title = models.CharField(max_length=255, blank=True)
    slug = models.SlugField(
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text="The last part of the permalink; made from the title when left empty, "
        "and kept unique among posts of the same day.",
    )
    body = models.TextField(
        blank=True,
        help_text="&lt;!--more--&gt; ends the teaser shown in lists; &lt;!--nextpage--&gt; "
        "splits the post into pages.",
    )
    excerpt = models.TextField(blank=True, help_text="Shown in lists and feeds; optional.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        db_index=True,
        help_text="A published post dated in the future is scheduled: readers see it from then.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    comment_status = models.CharField(
        "comments", max_length=6, choices=Discussion.choices, default=_default_comment_status
    )
    ping_status = models.CharField(
        "pingbacks and trackbacks",
        max_length=6,
        choices=Discussion.choices,
        default=_default_ping_status,
    )
    is_sticky = models.BooleanField(
        "stick to the top of the blog",
        default=False,
        help_text="Sticky posts come first on the home page.",
    )
    source_url = models.URLField(
        "source URL", max_length=500, blank=True, help_text="The original article, for a repost."
    )
    source_name = models.CharField("source name", max_length=200, blank=True)
    password = models.CharField(
        max_length=255,
        blank=True,
        help_text="Readers must enter it to see the content; the title stays listed.",
    )
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        limit_choices_to={"post_type": "page"},
        help_text="Pages only: the page this one sits under (/parent/child/).",
    )
    menu_order = models.IntegerField("order", default=0, help_text="Pages only.")
    wp_id = models.PositiveBigIntegerField(
        "WordPress ID",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The ID this entry had on WordPress: /?p=ID keeps working.",
    )
    legacy_path = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Where this entry lived on the old site; that address redirects here.",
    )
    old_slugs = models.TextField(
        blank=True, editable=False, help_text="Former slugs, as /slug/slug/, still redirected."
    )
    featured_image = models.ForeignKey(
        "blog.Media",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"mime_type__startswith": "image/"},
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    # Kept current after commit by blog.search; only PostgreSQL fills and indexes it.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
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
        super().save(*args, **kwargs)

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
        return self.title or "(no title)"

    @property
    def reader_title(self):
        """The title as WordPress shows it: "Private: " and "Protected: " prefixes."""
        if self.status == Status.PRIVATE:
            return f"Private: {self.display_title}"
        if self.password:
            return f"Protected: {self.display_title}"
        return self.display_title

    def _unique_slug(self, slug):
        """Posts: unique among posts of the same day. Pages: unique among their siblings."""
        if self.post_type == PostType.PAGE:
            same_place = Post.objects.pages().filter(parent_id=self.parent_id)
        else:
            day = timezone.localdate(self.published_at)
            same_place = Post.objects.posts().filter(published_at__date=day)
        taken = set(
            same_place.filter(slug__startswith=slug)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    @property
    def comments_feed_url(self):
        return f"{self.get_absolute_url()}feed/"

    @property
    def trackback_url(self):
        return f"{self.get_absolute_url()}trackback/"

    def get_shortlink(self):
        """/?p=ID (or ?page_id=): the WordPress ID for imported entries, else our own —
        unless an imported entry already answers to our number, then the permalink."""
        parameter = "page_id" if self.post_type == PostType.PAGE else "p"
        if self.wp_id:
            return f"/?{parameter}={self.wp_id}"
        if Post.objects.filter(wp_id=self.pk).exists():
            return self.get_absolute_url()
        return f"/?{parameter}={self.pk}"

    def password_unlocked(self, request):
        """True when the post has no password or the reader entered it (a signed cookie)."""
        if not self.password:
            return True
        return request.get_signed_cookie(
            PASSWORD_COOKIE, default=None, salt=PASSWORD_COOKIE
        ) == password_token(self.password)

    @property
    def is_published(self):
        return (
            self.status in (Status.PUBLISH, Status.FUTURE) and self.published_at <= timezone.now()
        )

    @property
    def comments_open(self):
        return self.comment_status == Discussion.OPEN and not self._closed_for_age()

    @property
    def pings_open(self):
        return self.ping_status == Discussion.OPEN and not self._closed_for_age()

    def _closed_for_age(self):
        """WordPress's "automatically close comments on posts older than N days"."""
        options = SiteOptions.get()
        if not options.close_comments_for_old_posts:
            return False
        age = timezone.now() - self.published_at
        return age.days >= options.close_comments_days_old


class PostViews(models.Model):
    """A post's view count, kept apart from the post so counting never rewrites the post row."""

    post = models.OneToOneField(
        Post, primary_key=True, on_delete=models.CASCADE, related_name="view_count"
    )
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "views"

    def __str__(self):
        return f"{self.count} views"


def media_upload_path(instance, filename):
    now = timezone.now()
    return f"uploads/{now:%Y}/{now:%m}/{filename}"


class Media(models.Model):
    """An upload in the media library: an image with its generated sizes, or a file."""

    file = models.FileField(upload_to=media_upload_path, max_length=300, blank=True)
    remote_url = models.URLField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="An imported attachment kept where it was (not downloaded).",
    )
    parent = models.ForeignKey(
        "blog.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
        editable=False,
    )
    wp_id = models.PositiveBigIntegerField(
        "WordPress ID", null=True, blank=True, unique=True, editable=False
    )
    title = models.CharField(max_length=255, blank=True)
    alt_text = models.CharField(
        "alternative text",
        max_length=500,
        blank=True,
        help_text="Describe the image for readers who cannot see it; leave empty if decorative.",
    )
    caption = models.TextField(blank=True)
    mime_type = models.CharField(max_length=100, editable=False)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    file_size = models.PositiveBigIntegerField(default=0, editable=False)
    sizes = models.JSONField(
        default=dict,
        editable=False,
        help_text="Generated sizes: name → {file, width, height}.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "media"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title or (self.file.name or self.remote_url).rsplit("/", 1)[-1]

    @property
    def is_image(self):
        return self.mime_type.startswith("image/")

    @property
    def url(self):
        return self.file.url if self.file else self.remote_url

    def size_url(self, name):
        size = self.sizes.get(name)
        return self.file.storage.url(size["file"]) if size and self.file else self.url

    @property
    def large_url(self):
        return self.size_url("large")

    def srcset(self):
        """Every generated width and the original, for <img srcset>."""
        if not self.is_image or not self.file or not self.width:
            return ""
        candidates = {self.width: self.url}
        for name, size in self.sizes.items():
            if name != "thumbnail":
                candidates[size["width"]] = self.file.storage.url(size["file"])
        return ", ".join(f"{url} {width}w" for width, url in sorted(candidates.items()))


class PageManager(models.Manager.from_queryset(PostQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(post_type=PostType.PAGE)


class Page(Post):
    """Pages, as the admin lists them: the same table as posts."""

    objects = PageManager()

    class Meta:
        proxy = True

    def save(self, *args, **kwargs):
        self.post_type = PostType.PAGE
        super().save(*args, **kwargs)


class PostViewDay(models.Model):
    """Views of a post on one day (the site's time zone), for the stats chart."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "day"], name="one_row_per_day")]
        indexes = [models.Index(fields=["day"])]

    def __str__(self):
        return f"{self.day}: {self.count}"


class ImportJob(models.Model):
    """A WordPress export uploaded in the admin and imported by the background worker."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    items_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "WordPress import"
        verbose_name_plural = "Import from WordPress"

    def __str__(self):
        return f"Import {self.pk} ({self.get_state_display()})"
