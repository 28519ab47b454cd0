"""The editor's side of content, in Django's admin."""

import django_comments
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.html import format_html

from .models import Category, Post, SiteOptions, Status, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "display_title",
        "author",
        "status",
        "published_at",
        "comments",
        "views",
        "is_sticky",
    ]
    list_filter = ["status", "categories", "author", "is_sticky"]
    search_fields = ["title", "body", "excerpt"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories", "tags"]
    list_select_related = ["author", "view_count"]
    actions = ["publish", "move_to_draft"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt"]}),
        ("Source", {"fields": ["source_name", "source_url"]}),
        ("Publish", {"fields": ["status", "published_at", "author", "is_sticky"]}),
        ("Discussion", {"fields": ["comment_status", "ping_status"]}),
        ("Taxonomy", {"fields": ["categories", "tags"]}),
    ]

    def get_queryset(self, request):
        comments = (
            django_comments.get_model()
            .objects.filter(
                content_type=ContentType.objects.get_for_model(Post),
                object_pk=Cast(OuterRef("pk"), CharField()),
                is_public=True,
                is_removed=False,
            )
            .order_by()
            .values("content_type")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(comment_count=Coalesce(Subquery(comments), 0))

    @admin.display(description="Comments", ordering="comment_count")
    def comments(self, post):
        url = reverse("admin:comments_comment_changelist") + f"?object_pk={post.pk}"
        return format_html('<a href="{}">{}</a>', url, post.comment_count)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description="Title", ordering="title")
    def display_title(self, post):
        return post.display_title

    @admin.display(description="Views", ordering="view_count__count")
    def views(self, post):
        return post.view_count.count if hasattr(post, "view_count") else 0

    @admin.action(description="Publish")
    def publish(self, request, queryset):
        for post in queryset.exclude(status=Status.PUBLISH):
            post.status = Status.PUBLISH  # dated in the future, save() makes it scheduled
            post.save()

    @admin.action(description="Move to draft")
    def move_to_draft(self, request, queryset):
        for post in queryset:
            post.status = Status.DRAFT
            post.save()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(SiteOptions)
class SiteOptionsAdmin(admin.ModelAdmin):
    fieldsets = [
        ("General", {"fields": ["title", "tagline", "theme", "footer_credit"]}),
        (
            "Discussion",
            {
                "fields": [
                    "default_comment_status",
                    "default_ping_status",
                    "require_name_email",
                    "comment_moderation",
                    "comment_previously_approved",
                    "comment_max_links",
                    "moderation_keys",
                    "disallowed_keys",
                    "close_comments_for_old_posts",
                    "close_comments_days_old",
                    "thread_comments",
                    "thread_comments_depth",
                    "page_comments",
                    "comments_per_page",
                    "default_comments_page",
                    "comment_order",
                    "comments_notify",
                    "moderation_notify",
                    "show_avatars",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return not SiteOptions.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
