"""Categories and tags in the admin."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Category, Tag
from .selection import SelectionByKey


@admin.register(Category)
class CategoryAdmin(SelectionByKey, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "count"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("Count"), ordering="post_count")
    def count(self, category):
        return category.post_count


@admin.register(Tag)
class TagAdmin(CategoryAdmin):
    list_display = ["name", "slug", "count"]
    autocomplete_fields = []
