"""Content: posts, their taxonomy, their view counts and the site's options."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending review"
    FUTURE = "future", "Scheduled"
    PUBLISH = "publish", "Published"
    PRIVATE = "private", "Private"


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
    # Reading, with WordPress's defaults (Settings → Reading).
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
        """What readers may see: published posts, and scheduled ones whose time has come."""
        return self.filter(
            status__in=[Status.PUBLISH, Status.FUTURE], published_at__lte=timezone.now()
        )


def _default_comment_status():
    return SiteOptions.get().default_comment_status


def _default_ping_status():
    return SiteOptions.get().default_ping_status


class Post(models.Model):
    title = models.CharField(max_length=255, blank=True)
    slug = models.SlugField(
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text="The last part of the permalink; made from the title when left empty, "
        "and kept unique among posts of the same day.",
    )
    body = models.TextField(blank=True, help_text="HTML.")
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
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    # Kept current after commit by blog.search; only PostgreSQL fills and indexes it.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            GinIndex(fields=["search_vector"], name="blog_post_search_gin"),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISH and self.published_at > timezone.now():
            self.status = Status.FUTURE
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:190] or "post"
        self.slug = self._unique_slug_for_the_day(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        day = timezone.localdate(self.published_at)
        return reverse(
            "blog:post",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    @property
    def display_title(self):
        return self.title or "(no title)"

    def _unique_slug_for_the_day(self, slug):
        day = timezone.localdate(self.published_at)
        taken = set(
            Post.objects.filter(published_at__date=day, slug__startswith=slug)
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
        return f"/?p={self.pk}"

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
