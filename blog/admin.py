"""The editor's side of content, in Django's admin."""

from django.contrib import admin

from .models import Category, Post, SiteOptions, Status, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["display_title", "author", "status", "published_at", "views", "is_sticky"]
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
            {"fields": ["default_comment_status", "default_ping_status", "thread_comments_depth"]},
        ),
    ]

    def has_add_permission(self, request):
        return not SiteOptions.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
